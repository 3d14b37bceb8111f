import CSQLite
import WirEngine
import WirStorage

/// A registry store in one SQLite file, shared by every process that opens it.
///
/// Not thread-safe: one connection, serialised by its owner. Each process
/// opens its own store; SQLite's file locks order the processes' transactions.
public final class SQLiteStore: RegistryStore {
    let connection: SQLiteConnection

    /// Opens the registry file at `path` (which must exist or be creatable),
    /// refusing foreign or newer files, and migrating older ones.
    public init(path: String, busyTimeoutMs: Int32 = 5000) throws {
        connection = try SQLiteConnection(path: path, busyTimeoutMs: busyTimeoutMs)
        try SQLiteSchema.prepare(connection, busyTimeoutMs: busyTimeoutMs)
    }

    public var path: String { connection.path }

    /// The schema version of the file (`PRAGMA user_version`).
    public func schemaVersion() throws -> Int64 {
        try connection.integer("PRAGMA user_version")
    }

    public func write<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        // IMMEDIATE takes the write lock up front: a DEFERRED transaction that
        // upgrades later fails with SQLITE_BUSY_SNAPSHOT under contention.
        try transaction(try connection.statement("BEGIN IMMEDIATE"), body)
    }

    public func read<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try transaction(try connection.statement("BEGIN"), body)
    }

    private func transaction<T>(_ begin: SQLiteStatement, _ body: (any StoreTransaction) throws -> T) throws -> T {
        try begin.run()
        do {
            let result = try body(SQLiteTransaction(connection: connection))
            try connection.statement("COMMIT").run()
            return result
        } catch {
            try? connection.statement("ROLLBACK").run()
            throw error
        }
    }
}
