import WirEngine
import WirSQLite

/// What a person (or the CLI) asks a registry: what is in flight, who holds
/// or waits on a path, what conflicted, what ended.
extension Registry {
    /// Claims that still hold, with their entries, and the waiters in ticket order.
    public func inFlight() throws -> (claims: [(ClaimRecord, [PathEntry])], waiters: [Waiter]) {
        try reading { tx, engine in
            let now = try engine.now(in: tx)
            let claims = try tx.allClaims().filter { engine.endReason(of: $0, now: now) == nil }
            return (try claims.map { ($0, try tx.entries(taskID: $0.taskID)) }, try tx.waiters())
        }
    }

    /// The claims that hold `path` (an entry that matches it or lies above
    /// it), and the waiters that wait to.
    public func who(_ path: String) throws -> (claims: [(ClaimRecord, [PathEntry])], waiters: [Waiter]) {
        let canonical = try PathResolver.canonicalize(path)
        return try reading { tx, engine in
            let now = try engine.now(in: tx)
            var claims: [(ClaimRecord, [PathEntry])] = []
            var seen: Set<String> = []
            for holding in try tx.holdings(overlapping: canonical)
            where holding.entry.contains(canonical) && seen.insert(holding.taskID).inserted {
                if let claim = try tx.claim(taskID: holding.taskID), engine.endReason(of: claim, now: now) == nil {
                    claims.append((claim, try tx.entries(taskID: claim.taskID)))
                }
            }
            let waiters = try tx.waiters().filter { $0.entries.contains { $0.contains(canonical) } }
            return (claims.sorted { $0.0.taskID < $1.0.taskID }, waiters)
        }
    }

    /// Conflict-log rows at or after `sinceMs` (ms since the epoch), oldest first.
    public func conflictLog(sinceMs: Int64 = 0, limit: Int = 1000) throws -> [ConflictLogEntry] {
        try reading { tx, _ in try tx.conflictLog(sinceMs: sinceMs, limit: max(0, limit)) }
    }

    /// Ended claims at or after `sinceMs`, oldest first.
    public func history(sinceMs: Int64 = 0, limit: Int = 1000) throws -> [HistoryEntry] {
        try reading { tx, _ in try tx.history(sinceMs: sinceMs, limit: max(0, limit)) }
    }

    /// Deletes conflict-log and history rows older than `beforeMs`; returns how many.
    public func prune(beforeMs: Int64) throws -> Int {
        try writingStore { try $0.prune(beforeMs: beforeMs) }
    }
}
