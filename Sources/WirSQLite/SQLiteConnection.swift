#if canImport(Glibc)
import Glibc
#endif
import CSQLite
import WirEngine

/// One SQLite connection with a cache of prepared statements. Not thread-safe:
/// its owner serialises calls (Registry holds a lock around each use).
final class SQLiteConnection {
    let db: OpaquePointer
    let path: String
    /// Prepared statements by the address of their SQL literal: a lookup
    /// hashes one integer, never the SQL text.
    private var statements: [UInt: SQLiteStatement] = [:]
    /// `PRAGMA schema_version`, kept apart from `statements` (it is no query of the store's).
    private var cookie: SQLiteStatement?
    /// The process that opened the connection. A child made by fork() must not
    /// close it (or finalize its statements): that touches locks and files the
    /// parent still uses. It is leaked there instead, as SQLite advises.
    private let openerPID = getpid()
    private let busyWait: BusyWait
    /// What earlier transactions read that this one may reuse.
    let sinceCommit = SQLiteSinceCommit()

    /// Opens (creating if missing) a database file.
    init(path: String, busyTimeoutMs: Int32) throws {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw SQLiteConnection.error(rc, "cannot open registry '\(path)': \(message)")
        }
        db = handle
        self.path = path
        busyWait = BusyWait(timeoutMs: busyTimeoutMs)
        sqlite3_extended_result_codes(db, 1)
        // Keep the -wal and -shm files when the last connection closes (SQLite
        // would delete them), so that a confined process, which may write them
        // but create no file beside them, finds the same files (`confinedGrants`).
        // With a size limit, the last connection truncates the kept WAL to
        // nothing, so the next process to open the file has no WAL to replay
        // (a kept WAL of 1000 pages cost every cold start a 4 MB read). The
        // limit is SQLite's usual WAL size, so running registries are unchanged.
        var persist: Int32 = 1
        sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist)
        sqlite3_exec(db, "PRAGMA journal_size_limit=4194304", nil, nil, nil)
        sqlite3_busy_handler(db, { context, count in
            Unmanaged<BusyWait>.fromOpaque(context!).takeUnretainedValue().retry(count: count) ? 1 : 0
        }, Unmanaged.passUnretained(busyWait).toOpaque())
    }

    deinit {
        guard getpid() == openerPID else {
            statements.values.forEach { _ = Unmanaged.passRetained($0) }   // leak: never finalize in a fork child
            cookie.map { _ = Unmanaged.passRetained($0) }
            return
        }
        statements.removeAll()          // finalize before closing
        cookie = nil
        sqlite3_close_v2(db)
    }

    /// Runs SQL that returns no rows (may hold several statements).
    func execute(_ sql: String) throws {
        let rc = sqlite3_exec(db, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw failure(rc, doing: sql) }
    }

    /// A cached prepared statement, reset and ready to bind. The SQL is a
    /// literal, so its address identifies it for the life of the process.
    func statement(_ sql: StaticString) throws -> SQLiteStatement {
        let key = UInt(bitPattern: sql.utf8Start)
        if let cached = statements[key] {
            cached.reset()
            return cached
        }
        let statement = try sql.utf8Start.withMemoryRebound(to: CChar.self, capacity: sql.utf8CodeUnitCount + 1) {
            try prepare($0, flags: UInt32(SQLITE_PREPARE_PERSISTENT), describing: sql.description)
        }
        statement.reused = true
        statements[key] = statement
        return statement
    }

    /// The schema cookie (`PRAGMA schema_version`): it changes whenever anyone
    /// changes the schema, so a same value means the same schema objects.
    func schemaCookie() throws -> Int64 {
        if cookie == nil {
            cookie = try prepare("PRAGMA schema_version", flags: UInt32(SQLITE_PREPARE_PERSISTENT),
                                 describing: "PRAGMA schema_version")
        }
        cookie?.reset()
        return try cookie?.first { $0.int64(0) } ?? 0
    }

    /// The SQL of every statement cached so far: what the store has actually
    /// prepared (tests read their query plans).
    var preparedSQL: [String] {
        statements.values.map { $0.sql }
    }

    /// A statement prepared for one use (pragmas, diagnostics): finalized when released.
    func uncached(_ sql: String) throws -> SQLiteStatement {
        try prepare(sql, flags: 0, describing: sql)
    }

    private func prepare(_ sql: UnsafePointer<CChar>, flags: UInt32, describing text: String) throws -> SQLiteStatement {
        var raw: OpaquePointer?
        let rc = sqlite3_prepare_v3(db, sql, -1, flags, &raw, nil)
        guard rc == SQLITE_OK, let raw else {
            // wir's SQL is constant: one that does not prepare names a table or column the file lacks.
            guard rc & 0xff == SQLITE_ERROR else { throw failure(rc, doing: text) }
            let brief = text.split(separator: "\n").first.map(String.init) ?? text
            throw WirError(.schema, "registry '\(path)' is damaged: its tables are not as wir made them "
                           + "(\(String(cString: sqlite3_errmsg(db))), during: \(brief))")
        }
        return SQLiteStatement(raw, connection: self)
    }

    /// Runs a one-integer query such as a pragma.
    func integer(_ sql: String) throws -> Int64 {
        try uncached(sql).first { $0.int64(0) } ?? 0
    }

    /// The error for a failed call, with SQLite's own message and what we were doing.
    func failure(_ rc: Int32, doing what: String) -> WirError {
        var detail = String(cString: sqlite3_errmsg(db))
        let brief = what.split(separator: "\n").first.map(String.init) ?? what
        // An I/O error with a missing or empty log beside a live index: the log was deleted in use.
        var log = stat()
        if rc & 0xff == SQLITE_IOERR, access(path + "-shm", F_OK) == 0,
           stat(path + "-wal", &log) != 0 || log.st_size == 0 {
            detail += "; its write-ahead log (\(path)-wal) seems to have been deleted while in use: the registry "
                + "recovers when every process using it has closed it"
        }
        return SQLiteConnection.error(rc, "registry '\(path)': \(detail) (during: \(brief))")
    }

    /// Maps a SQLite result code to wir's status.
    static func error(_ rc: Int32, _ message: String) -> WirError {
        switch rc & 0xff {
        case SQLITE_BUSY, SQLITE_LOCKED:
            return WirError(.busy, message + "; another process holds the registry locked")
        case SQLITE_NOTADB:
            return WirError(.corrupt, message + "; the file is not a SQLite database")
        case SQLITE_CORRUPT:
            return WirError(.corrupt, message + "; the registry file is damaged")
        case SQLITE_NOMEM:
            return WirError(.outOfMemory, message)
        case SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_IOERR, SQLITE_FULL, SQLITE_PERM, SQLITE_AUTH:
            return WirError(.io, message)
        default:
            return WirError(.internalError, message + " (SQLite code \(rc))")
        }
    }
}
