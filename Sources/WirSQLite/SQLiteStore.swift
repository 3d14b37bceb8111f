#if canImport(Glibc)
import Glibc
#endif
import CSQLite
import WirEngine
import WirHost
import WirStorage

/// A registry store in one SQLite file, shared by every process that opens it.
///
/// Not thread-safe: one connection, serialised by its owner. Each process
/// opens its own store; SQLite's file locks order the processes' transactions.
/// The connection is closed before a `fork()` (`suspend`, so that the child
/// inherits none of SQLite's in-process lock bookkeeping) and opened again on
/// the next call.
public final class SQLiteStore: RegistryStore {
    public let path: String
    private let busyTimeoutMs: Int32
    private var open: SQLiteConnection?
    /// The file's device and inode when it was opened: a registry deleted or
    /// replaced under its users is noticed at their next transaction.
    private let identity: (dev: UInt64, ino: UInt64)
    /// The schema cookie when the schema was last found to hold only wir's
    /// objects (-1: not yet looked at).
    private var verifiedSchema: Int64 = -1

    /// Opens the registry file at `path` (which must exist or be creatable),
    /// refusing foreign or newer files, and migrating older ones.
    public init(path: String, busyTimeoutMs: Int32 = 5000) throws {
        let connection = try SQLiteConnection(path: path, busyTimeoutMs: busyTimeoutMs)
        try SQLiteSchema.prepare(connection, busyTimeoutMs: busyTimeoutMs)
        self.path = path
        self.busyTimeoutMs = busyTimeoutMs
        open = connection
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw WirError(.io, "cannot stat registry '\(path)': \(SystemFiles.describe(errno))")
        }
        identity = (UInt64(info.st_dev), UInt64(info.st_ino))
    }

    /// Throws `.gone` when the path no longer names the file this store opened
    /// (deleted, or replaced by another): its claims, and those of everyone
    /// who used it, are gone with it.
    private func checkStillThere() throws {
        var info = stat()
        if stat(path, &info) == 0 && UInt64(info.st_dev) == identity.dev && UInt64(info.st_ino) == identity.ino { return }
        throw WirError(.gone, "registry '\(path)' was deleted or replaced while in use: the claims made in it are "
                       + "gone (a new file at that path knows nothing of them)")
    }

    /// Throws `.schema` when the registry holds schema objects wir did not
    /// make (`SQLiteSchema.foreignObjects`); looks again only when the schema
    /// cookie moved, so a transaction pays one pragma.
    private func verifySchema(_ connection: SQLiteConnection) throws {
        let cookie = try connection.schemaCookie()
        guard cookie != verifiedSchema else { return }
        let foreign = try SQLiteSchema.foreignObjects(connection)
        guard foreign.isEmpty else { throw SQLiteSchema.foreignError(path, foreign) }
        verifiedSchema = cookie
    }

    /// The connection, opened again if `suspend` closed it.
    func connection() throws -> SQLiteConnection {
        if let open { return open }
        try SQLiteRegistryFile.check(path)
        let connection = try SQLiteConnection(path: path, busyTimeoutMs: busyTimeoutMs)
        try SQLiteSchema.resume(connection)
        open = connection
        return connection
    }

    /// Closes the connection (the next call opens it again). Called before a
    /// fork, with no transaction open.
    public func suspend() { open = nil }

    /// The schema version of the file (`PRAGMA user_version`).
    public func schemaVersion() throws -> Int64 {
        try connection().integer("PRAGMA user_version")
    }

    public func write<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        // IMMEDIATE takes the write lock up front: a DEFERRED transaction that
        // upgrades later fails with SQLITE_BUSY_SNAPSHOT under contention.
        try transaction(try connection(), writing: true, body)
    }

    public func read<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try transaction(try connection(), writing: false, body)
    }

    private func transaction<T>(_ connection: SQLiteConnection, writing: Bool,
                                _ body: (any StoreTransaction) throws -> T) throws -> T {
        try checkStillThere()
        try connection.statement(writing ? "BEGIN IMMEDIATE" : "BEGIN").run()
        do {
            // The schema checked at this connection's last commit is the schema still
            // if nobody has committed since (`SQLiteSinceCommit`).
            if !connection.sinceCommit.unchanged(connection.db, writing: writing) {
                try verifySchema(connection)
            }
            let result = try body(SQLiteTransaction(connection: connection))
            try connection.statement("COMMIT").run()
            connection.sinceCommit.committed(connection.db)
            return result
        } catch {
            connection.sinceCommit.forget()
            try? connection.statement("ROLLBACK").run()
            throw error
        }
    }
}
