/// Where claims live. The engine decides; a store only records, and answers
/// the few queries the engine needs, each by an index rather than a scan.
///
/// Implementations: `SQLiteStore` (one file shared by the processes of a
/// machine) and, in tests, an in-memory store. Every engine rule is checked
/// against both by one parameterised suite.
public protocol RegistryStore: AnyObject {
    /// Runs `body` in one write transaction, exclusive among every process
    /// using the store: committed if `body` returns, rolled back if it throws.
    func write<T>(_ body: (any StoreTransaction) throws -> T) throws -> T
    /// Runs `body` against a consistent snapshot, without blocking writers.
    func read<T>(_ body: (any StoreTransaction) throws -> T) throws -> T
}

/// The operations available inside a transaction.
public protocol StoreTransaction {
    /// The claim in flight for a task, if any.
    func claim(taskID: String) throws -> ClaimRecord?
    /// Every path the task holds, sorted.
    func paths(taskID: String) throws -> [CanonicalPath]
    /// Every held path that overlaps `path`: `path` itself, its ancestors and
    /// its descendants. Must cost index lookups, not a scan of all claims.
    func holdings(overlapping path: CanonicalPath) throws -> [PathHolding]
    /// Up to `limit` claims whose lease lapsed at or before `nowMs`, oldest first.
    func expiredClaims(atOrBefore nowMs: Int64, limit: Int) throws -> [ClaimRecord]
    /// Every claim in flight, ordered by task id.
    func allClaims() throws -> [ClaimRecord]

    /// Issues the next fencing token: greater than every token issued before
    /// by this store, across reopenings.
    func issueToken() throws -> Int64
    /// Inserts a new claim with its paths.
    func insert(_ claim: ClaimRecord, paths: [CanonicalPath]) throws
    /// Adds paths to a claim in flight (paths it holds already are skipped).
    func add(paths: [CanonicalPath], taskID: String) throws
    /// Rewrites the token and lease of a claim in flight.
    func update(_ claim: ClaimRecord) throws
    /// Removes a claim and its paths.
    func delete(taskID: String) throws
    /// Appends to the history of ended claims.
    func record(_ entry: HistoryEntry) throws
    /// Appends to the conflict log.
    func log(_ entry: ConflictLogEntry) throws
}
