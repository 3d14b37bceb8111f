import WirEngine

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
        try transaction("BEGIN ISOLATION LEVEL READ COMMITTED", body) {
            // The lock first, then the time: after a wait for the lock, now() would be stale.
            let locked = try connection.query(
                "WITH locked AS MATERIALIZED (\(PostgresSchema.lockStatement)) "
                + "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint FROM locked",
                [connection.location.schema.name])
            return locked.first?.int64(0)
        }
    }

    public func read<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try transaction("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", body) {
            usesServerClock ? try PostgresTransaction.serverClock(connection) : nil
        }
    }

    /// Begins with `begin`, runs `start` (which returns the server's time),
    /// then `body`; commits if `body` returns, rolls back if anything throws.
    private func transaction<T>(_ begin: String, _ body: (any StoreTransaction) throws -> T,
                                start: () throws -> Int64?) throws -> T {
        try self.begin(begin)
        do {
            let now = try start()
            if !verified {
                let foreign = try PostgresSchema.foreignObjects(connection)
                guard foreign.isEmpty else { throw PostgresSchema.foreignError(connection.location, foreign) }
                verified = true
            }
            let result = try body(PostgresTransaction(connection: connection, serverNowMs: usesServerClock ? now : nil))
            try commit()
            return result
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// Starts a transaction, reconnecting first if the connection was lost. A
    /// BEGIN that finds the connection lost (the server restarted while this
    /// process was idle, or its server process stopped answering) is retried
    /// once on a new connection, if the call's deadline leaves time: nothing was
    /// done yet.
    private func begin(_ sql: String) throws {
        try connection.ensureConnected()
        do {
            try connection.execute(sql)
        } catch let error as WirError where error.code == .io && connection.isBroken && connection.hasTimeLeft {
            try connection.reconnect()
            try connection.execute(sql)
        }
    }

    private func commit() throws {
        do {
            try connection.execute("COMMIT")
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
