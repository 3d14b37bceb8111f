import CSQLite
import WirEngine

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

extension SQLiteStore {
    /// The file's health: schema and SQLite versions, journal mode, integrity check, row counts.
    public func diagnose() throws -> [Diagnostic] {
        var report = [Diagnostic(name: "registry", value: path, isNumber: false),
                      Diagnostic(name: "schema_version", value: "\(try schemaVersion())", isNumber: true),
                      Diagnostic(name: "sqlite_version", value: String(cString: sqlite3_libversion()), isNumber: false),
                      Diagnostic(name: "journal_mode",
                                 value: try connection.uncached("PRAGMA journal_mode").first { $0.text(0) } ?? "",
                                 isNumber: false)]
        let integrity = try connection.uncached("PRAGMA integrity_check").rows { $0.text(0) }
        report.append(Diagnostic(name: "integrity", value: integrity.joined(separator: "; "), isNumber: false))
        for table in ["claims", "claim_entries", "waiters", "history", "conflicts"] {
            let rows = try connection.integer("SELECT count(*) FROM \(table)")
            report.append(Diagnostic(name: table, value: "\(rows)", isNumber: true))
        }
        return report
    }
}
