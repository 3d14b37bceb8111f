/// What a person (or a listing) asks a registry: what is in flight, who holds
/// or waits on a path, whether a fencing token still holds, what conflicted,
/// what ended. Each is one read transaction against a consistent snapshot.
extension Engine {
    /// Claims that still hold, with their entries, and the waiters in ticket order.
    public func inFlight(in store: any RegistryStore) throws
        -> (claims: [(ClaimRecord, [PathEntry])], waiters: [Waiter]) {
        try store.read { tx in
            let clock = try leaseClock(in: tx)
            let claims = try tx.allClaims().filter { endReason(of: $0, at: clock) == nil }.map { shown($0, clock) }
            return (try claims.map { ($0, try tx.entries(taskID: $0.taskID)) }, try tx.waiters())
        }
    }

    /// The claims that hold `path` (an entry that matches it or lies above
    /// it), by task id, and the waiters that wait to.
    public func who(_ path: CanonicalPath, in store: any RegistryStore) throws
        -> (claims: [(ClaimRecord, [PathEntry])], waiters: [Waiter]) {
        try store.read { tx in
            let claims = try liveHolders(of: path, in: tx).map { ($0, try tx.entries(taskID: $0.taskID)) }
            let waiters = try tx.waiters().filter { $0.entries.contains { $0.contains(path) } }
            return (claims, waiters)
        }
    }

    /// True when a live claim writing `path` (or an ancestor of it) has `token`.
    public func tokenHolds(_ token: Int64, path: CanonicalPath, in store: any RegistryStore) throws -> Bool {
        try store.read { tx in try liveHolders(of: path, in: tx, writing: true).contains { $0.token == token } }
    }

    /// True when the claim `taskID` is in flight, still holds, and has key `key`.
    public func isHeld(taskID: String, key: String, in store: any RegistryStore) throws -> Bool {
        try store.read { tx in
            guard let claim = try tx.claim(taskID: taskID), Secret.matches(key, claim.key) else { return false }
            return endReason(of: claim, at: try leaseClock(in: tx)) == nil
        }
    }

    /// `claim` as listings show it: its lease end in this transaction's wall
    /// time, whichever clock decides it (see `LeaseClock`). The two clocks are
    /// read a moment apart, so the stored wall end is kept unless the wall
    /// clock stepped by more than `LeaseClock.stepToleranceMs` since.
    private func shown(_ claim: ClaimRecord, _ clock: LeaseClock) -> ClaimRecord {
        var shown = claim
        let judged = clock.nowMs + clock.remaining(claim)
        if abs(judged - claim.expiresMs) > LeaseClock.stepToleranceMs { shown.expiresMs = judged }
        return shown
    }

    /// Conflict-log rows that last changed at or after `sinceMs` (ms since the
    /// epoch), in that order, at most `limit` (`rows(_:)`); only those with an
    /// outcome in `outcomes` (empty: all).
    public func conflictLog(sinceMs: Int64, limit: Int, outcomes: Set<ConflictOutcome> = [],
                            in store: any RegistryStore) throws -> [ConflictLogEntry] {
        try store.read { try $0.conflictLog(sinceMs: sinceMs, limit: Self.rows(limit), outcomes: outcomes) }
    }

    /// Ended claims at or after `sinceMs`, oldest first, at most `limit` (`rows(_:)`).
    public func history(sinceMs: Int64, limit: Int, in store: any RegistryStore) throws -> [HistoryEntry] {
        try store.read { try $0.history(sinceMs: sinceMs, limit: Self.rows(limit)) }
    }

    /// A listing's row limit: a negative one means every row. C passes a
    /// `size_t`, whose values above `Int.max` (SIZE_MAX among them) arrive
    /// negative; Python and the CLI spell "all" -1.
    static func rows(_ limit: Int) -> Int { limit < 0 ? Int.max : limit }

    /// The claims still in force whose entries contain `path` (only write
    /// entries when `writing`), each once, by task id.
    private func liveHolders(of path: CanonicalPath, in tx: any StoreTransaction,
                             writing: Bool = false) throws -> [ClaimRecord] {
        let clock = try leaseClock(in: tx)
        var seen: Set<String> = []
        var holders: [ClaimRecord] = []
        for holding in try tx.holdings(overlapping: path)
        where holding.entry.contains(path) && (!writing || holding.entry.access == .write)
            && seen.insert(holding.taskID).inserted {
            if let claim = try tx.claim(taskID: holding.taskID), endReason(of: claim, at: clock) == nil {
                holders.append(shown(claim, clock))
            }
        }
        return holders.sorted { ByteOrder.compare($0.taskID, $1.taskID) < 0 }
    }
}
