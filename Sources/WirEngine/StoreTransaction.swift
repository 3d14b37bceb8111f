/// The operations available inside a transaction.
public protocol StoreTransaction {
    /// The transaction's time by the store's own clock, in ms since the epoch,
    /// for a store that keeps time for every client (PostgreSQL: the server's
    /// clock, read after the write lock was taken); nil when the engine's
    /// injected clock decides. The default is nil.
    func clockMs() throws -> Int64?

    /// The claim in flight for a task, if any.
    func claim(taskID: String) throws -> ClaimRecord?
    /// Every entry the task holds, sorted.
    func entries(taskID: String) throws -> [PathEntry]
    /// Every held entry whose base overlaps one of `bases` (based at a base
    /// itself, at an ancestor of one, or beneath one), each once, sorted. Index
    /// lookups, not a scan of all claims: one per distinct prefix
    /// (`CanonicalPath.selfAndAncestors(ofAll:)`) and a range scan per base.
    func holdings(overlappingAny bases: [CanonicalPath]) throws -> [Holding]
    /// Up to `limit` claims whose lease lapsed at or before `nowMs`, oldest first.
    func expiredClaims(atOrBefore nowMs: Int64, limit: Int) throws -> [ClaimRecord]
    /// Every claim in flight, ordered by task id.
    func allClaims() throws -> [ClaimRecord]
    /// The claims made under `taskID`, ordered by task id (by an index).
    func children(of taskID: String) throws -> [ClaimRecord]

    /// Issues the next fencing token: greater than every token issued before
    /// by this store, across reopenings.
    func issueToken() throws -> Int64
    /// Inserts a new claim with its entries.
    func insert(_ claim: ClaimRecord, entries: [PathEntry]) throws
    /// Sets the entries of a claim in flight to `entries`: `adding` are the
    /// ones it did not hold, `removing` the ones it no longer holds (the engine
    /// works both out; the store keeps its per-entry rows in step).
    func rewriteEntries(_ entries: [PathEntry], adding: [PathEntry], removing: [PathEntry], taskID: String) throws
    /// Rewrites the token, lease and owners of a claim in flight.
    func update(_ claim: ClaimRecord) throws
    /// Removes a claim and its entries; returns the entries, sorted.
    @discardableResult
    func delete(taskID: String) throws -> [PathEntry]

    /// The waiters, in ticket order.
    func waiters() throws -> [Waiter]
    /// Adds a waiter; returns its ticket, greater than every ticket before.
    func enqueue(_ waiter: Waiter) throws -> Int64
    /// Renews a waiter's lease; false if it is no longer queued.
    func renew(ticket: Int64, expiresMs: Int64) throws -> Bool
    /// Removes a waiter.
    func dequeue(ticket: Int64) throws

    /// Appends to the history of ended claims.
    func record(_ entry: HistoryEntry) throws
    /// Appends to the conflict log; `ticket` ties rows to a queued request.
    func log(_ entry: ConflictLogEntry, ticket: Int64?) throws
    /// Counts one more attempt on the row, without a ticket, that has `entry`'s
    /// task, outcome, holder task and requested and held entries (text and
    /// access): adds one to its count and sets its last time to `entry.atMs`.
    /// False when there is no such row. (The engine decides which rows repeat.)
    func countRepeat(of entry: ConflictLogEntry) throws -> Bool
    /// Rewrites the outcome and wait of the log rows of a queued request; their
    /// last time becomes their time plus the wait.
    func resolveLog(ticket: Int64, outcome: ConflictOutcome, waitedMs: Int64) throws

    /// Conflict-log rows whose last time is at or after `sinceMs`, in that
    /// order, at most `limit`, only those with an outcome in `outcomes` (empty: all).
    func conflictLog(sinceMs: Int64, limit: Int, outcomes: Set<ConflictOutcome>) throws -> [ConflictLogEntry]
    /// Ended claims at or after `sinceMs`, oldest first, at most `limit`.
    func history(sinceMs: Int64, limit: Int) throws -> [HistoryEntry]
    /// Deletes conflict-log rows whose last time is before `logBeforeMs` (rows
    /// of requests still queued are kept) and history rows that ended before
    /// `historyBeforeMs` (nil: none); returns how many.
    func prune(logBeforeMs: Int64?, historyBeforeMs: Int64?) throws -> Int

    /// The registry's defaults.
    func settings() throws -> RegistrySettings
    func save(_ settings: RegistrySettings) throws
}

extension StoreTransaction {
    public func clockMs() throws -> Int64? { nil }
}

extension StoreTransaction {
    /// Every held entry whose base overlaps `base` (see `holdings(overlappingAny:)`).
    public func holdings(overlapping base: CanonicalPath) throws -> [Holding] {
        try holdings(overlappingAny: [base])
    }
}
