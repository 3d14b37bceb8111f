import WirEngine
import WirHost

/// A registry store in a PostgreSQL schema, shared by every process on every
/// host that connects to it.
///
/// Write transactions run at READ COMMITTED and first take one transaction
/// advisory lock per schema, so writers are ordered and each sees every commit
/// made before it got the lock (REPEATABLE READ would keep a snapshot taken
/// before the wait). Reads run at REPEATABLE READ, READ ONLY: one consistent
/// snapshot, no lock.
///
/// Not thread-safe: one connection, serialised by its owner (Registry holds a
/// lock). Each process opens its own store; never use one in a fork child.
public final class PostgresStore: RegistryStore {
    let connection: PostgresConnection
    /// When true, each transaction's time is the server's `clock_timestamp()`
    /// taken right after the lock, so every host judges leases by one clock
    /// (see `StoreTransaction.clockMs`). Registries use it; engine tests keep
    /// a fake clock by passing false.
    public let usesServerClock: Bool
    /// Whether this store looked for schema objects wir did not make (once per
    /// store, in its first transaction).
    private var verified = false

    /// Connects to `location`, creating or migrating the registry's schema, and
    /// refusing a foreign or newer one. `lockTimeoutMs`: how long a writer waits
    /// for another client's transaction before `.busy`. Without `create`, a
    /// schema that holds no registry yet is left alone (`.noRegistry`).
    public init(location: PostgresLocation, serverClock: Bool = true, lockTimeoutMs: Int = 5000,
                create: Bool = true) throws {
        connection = try PostgresConnection(location: location, lockTimeoutMs: lockTimeoutMs)
        usesServerClock = serverClock
        try PostgresSchema.prepare(connection, create: create)
    }

    /// The registry's location (its URL and schema).
    public var location: PostgresLocation { connection.location }

    /// The registry's schema version (`meta.schema_version`).
    public func schemaVersion() throws -> Int64 {
        try connection.ensureConnected()
        return try connection.query("SELECT value FROM meta WHERE name = 'schema_version'").first.map { $0.int64(0) } ?? 0
    }

    /// The process serving this store's session on the server (`pg_backend_pid()`).
    public var backendPID: Int32 { connection.backendPID }

    public func write<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try write(expecting: [], body)
    }

    /// A write transaction in as few round trips as its reads need (`PostgresBatch`): BEGIN,
    /// the lock, the server's time, the settings and the `expected` reads in one.
    public func write<T>(expecting expected: [ExpectedRead], _ body: (any StoreTransaction) throws -> T) throws -> T {
        // The lock first, then the time: after a wait for the lock, now() would be stale.
        let locked = PostgresStatement("WITH locked AS MATERIALIZED (\(PostgresSchema.lockStatement)) "
                                       + "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint FROM locked",
                                       [connection.location.schema.name])
        return try transaction("BEGIN ISOLATION LEVEL READ COMMITTED", then: locked,
                               settings: PostgresStatement(PostgresTransaction.settingsSQL),
                               expecting: expected, body)
    }

    public func read<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try transaction("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
                        then: usesServerClock ? PostgresStatement(PostgresTransaction.serverClockSQL) : nil,
                        settings: nil, expecting: [], body)
    }

    /// Begins with `begin` and `then` (whose first value is the server's time),
    /// then runs `body`; commits if `body` returns, rolls back if anything throws.
    private func transaction<T>(_ begin: String, then first: PostgresStatement?, settings: PostgresStatement?,
                                expecting expected: [ExpectedRead],
                                _ body: (any StoreTransaction) throws -> T) throws -> T {
        try connection.ensureConnected()
        let batch = PostgresBatch(connection: connection)
        do {
            let opening = [PostgresStatement(begin, unprepared: true)] + (first.map { [$0] } ?? [])
            let reads = expected.map { ($0, PostgresTransaction.statement(for: $0)) }
            let rows = try start(batch, opening, settings: settings, expecting: reads)
            let lockedAt = MonotonicClock.nowNs()
            let now = first == nil ? nil : rows.last?.first?.int64(0)
            if !verified {
                let foreign = try PostgresSchema.foreignObjects(connection)
                guard foreign.isEmpty else { throw PostgresSchema.foreignError(connection.location, foreign) }
                verified = true
            }
            let result = try body(PostgresTransaction(connection: connection, batch: batch,
                                                      serverNowMs: usesServerClock ? now : nil))
            try commit(batch)
            if settings != nil { PostgresRoundTrips.held(sinceNs: lockedAt) }      // a write transaction
            return result
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// Starts a transaction, reconnecting first if the connection was lost. A
    /// start that finds the connection lost (the server restarted while this
    /// process was idle, or its server process stopped answering) is retried
    /// once on a new connection, if the call's deadline leaves time: nothing was
    /// done yet (the first statements only read and take the lock).
    private func start(_ batch: PostgresBatch, _ opening: [PostgresStatement], settings: PostgresStatement?,
                       expecting reads: [(ExpectedRead, PostgresStatement)]) throws -> [PostgresRows] {
        do {
            return try batch.start(opening, settingsStatement: settings, expecting: reads)
        } catch let error as WirError where error.code == .io && connection.isBroken && connection.hasTimeLeft {
            try connection.reconnect()
            return try batch.start(opening, settingsStatement: settings, expecting: reads)
        }
    }

    /// Sends the writes held back, and COMMIT.
    private func commit(_ batch: PostgresBatch) throws {
        do {
            try batch.commit()
        } catch let error as WirError where connection.isBroken {
            throw WirError(.io, error.message + "; the connection was lost during COMMIT, so the change may or may "
                           + "not have been made (claiming again under the same task id is safe)")
        }
    }

    /// Tells every process listening on this registry's channel to look again
    /// (NOTIFY, outside any transaction: delivered at once). Best effort: a
    /// listener that misses it looks again on its own within its recheck period.
    public func notifyListeners() {
        _ = try? connection.ensureConnected()
        _ = try? connection.query("SELECT pg_notify($1, '')", [PostgresListener.channel(for: connection.location.schema)])
    }
}
