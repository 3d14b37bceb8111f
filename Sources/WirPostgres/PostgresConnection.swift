#if canImport(Glibc)
import Glibc
#endif
import CLibPQ
import WirEngine

/// One libpq connection to the registry's database, with a cache of prepared
/// statements and the session settings wir relies on (its schema first on the
/// search path, a lock timeout, no notices on stderr).
///
/// Not thread-safe: its owner serialises calls (Registry holds a lock around
/// each use). Never used in a fork child: closing it there would end the
/// parent's session, so a child leaks it instead.
final class PostgresConnection {
    let location: PostgresLocation
    private var conn: OpaquePointer
    /// SQL text -> name of the server-side prepared statement.
    private var prepared: [String: String] = [:]
    private let openerPID = getpid()
    /// How long a writer waits for the registry's lock before `.busy`, as SQLite's busy timeout.
    let lockTimeoutMs: Int

    /// Connects (libpq's `connect_timeout` defaults to 10 s; the URL may set another).
    /// `applicationName` is what the server shows for the session (unless the URL sets one).
    init(location: PostgresLocation, lockTimeoutMs: Int = 5000, applicationName: String = "wir") throws {
        try PostgresLibrary.load()
        self.location = location
        self.lockTimeoutMs = lockTimeoutMs
        // Defaults first: the URL (expanded from "dbname", last) overrides any of them. TCP
        // keepalives and a user timeout notice a vanished server within about 30 s, rather
        // than the kernel's two hours.
        let keywords = ["connect_timeout", "fallback_application_name", "client_encoding", "keepalives",
                        "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout", "dbname"]
        let values = ["10", applicationName, "UTF8", "1", "10", "5", "3", "30000", location.connectionURL]
        conn = try Self.withCStrings(keywords) { keys in
            try Self.withCStrings(values) { vals in
                guard let conn = PQconnectdbParams(keys + [nil], vals + [nil], 1) else {
                    throw WirError(.outOfMemory, "cannot allocate a PostgreSQL connection")
                }
                return conn
            }
        }
        PQsetNoticeProcessor(conn, { _, _ in }, nil)
        guard PQstatus(conn) == CONNECTION_OK else {
            // Every property is set, so deinit runs and closes the connection.
            throw WirError(.io, "cannot connect to PostgreSQL registry '\(location.redacted)': "
                           + Self.connectionMessage(conn, location))
        }
        try configureSession()
    }

    deinit {
        guard getpid() == openerPID else { return }      // a fork child: leak, never terminate the parent's session
        PQfinish(conn)
    }

    /// False between a reset and the session settings being made again: a session
    /// without them (no search_path to the registry's schema) must not be used.
    private var configured = false

    /// True when the connection was found broken (the server went away or the
    /// session was ended), or its session settings could not be made.
    var isBroken: Bool { !configured || PQstatus(conn) != CONNECTION_OK }

    /// Reconnects first if the connection is broken; every entry point calls it.
    func ensureConnected() throws {
        if isBroken { try reconnect() }
    }

    /// The descriptor to poll for notifications.
    var socket: Int32 { PQsocket(conn) }

    /// The server process serving this session (`pg_backend_pid()`), for diagnostics and tests.
    var backendPID: Int32 { PQbackendPID(conn) }

    /// Reconnects a broken connection (prepared statements and settings are made again).
    func reconnect() throws {
        prepared.removeAll()
        configured = false
        PQreset(conn)
        guard PQstatus(conn) == CONNECTION_OK else {
            throw WirError(.io, "cannot reconnect to PostgreSQL registry '\(location.redacted)': "
                           + Self.connectionMessage(conn, location))
        }
        try configureSession()
    }

    /// The registry's schema first on the search path; a writer waits for the
    /// registry's lock at most `lockTimeoutMs`; and a session left idle inside a
    /// transaction (its client vanished mid-claim) is ended after
    /// `idleInTransactionMs`, so its lock does not stop every other writer. wir's
    /// own transactions never pause between statements.
    private func configureSession() throws {
        _ = try query("SELECT set_config('search_path', $1, false), set_config('lock_timeout', $2, false), "
                      + "set_config('client_min_messages', 'warning', false), "
                      + "set_config('idle_in_transaction_session_timeout', $3, false)",
                      [location.schema.quoted, String(lockTimeoutMs), String(Self.idleInTransactionMs)])
        configured = true
    }

    /// How long the server keeps a session that idles inside a transaction.
    static let idleInTransactionMs = 10_000

    /// Runs a statement without parameters (BEGIN, COMMIT, DDL), possibly several separated by `;`.
    func execute(_ sql: String) throws {
        try check(PQexec(conn, sql), doing: sql)
    }

    /// Runs a prepared statement (prepared on first use) with text parameters.
    @discardableResult
    func query(_ sql: String, _ parameters: [String?] = []) throws -> PostgresRows {
        let name: String
        if let cached = prepared[sql] {
            name = cached
        } else {
            name = "wir_\(prepared.count + 1)"
            try check(PQprepare(conn, name, sql, Int32(parameters.count), nil), doing: sql)
            prepared[sql] = name
        }
        return try Self.withOptionalCStrings(parameters) { values in
            try check(PQexecPrepared(conn, name, Int32(values.count), values, nil, nil, 0), doing: sql)
        }
    }

    /// Reads and returns the payloads of notifications that arrived (LISTEN);
    /// nil if the connection broke.
    func notifications() -> [String]? {
        guard PQconsumeInput(conn) == 1 else { return nil }
        var payloads: [String] = []
        while let notice = PQnotifies(conn) {
            payloads.append(String(cString: notice.pointee.extra))
            PQfreemem(notice)
        }
        return payloads
    }

    /// Turns a result into rows, or into the WirError its failure maps to.
    @discardableResult
    private func check(_ result: OpaquePointer?, doing sql: String) throws -> PostgresRows {
        let brief = sql.split(separator: "\n").first.map(String.init) ?? sql
        guard let result else {
            throw WirError(isBroken ? .io : .outOfMemory, "PostgreSQL registry '\(location.redacted)': "
                           + Self.connectionMessage(conn, location) + " (during: \(brief))")
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK:
            return PostgresRows(consuming: result)
        default:
            let sqlState = Self.field(result, "C") ?? ""
            let message = Self.field(result, "M") ?? Self.connectionMessage(conn, location)
            let detail = Self.field(result, "D").map { " (\($0))" } ?? ""
            PQclear(result)
            throw PostgresErrors.error(sqlState: sqlState, broken: isBroken,
                                       "PostgreSQL registry '\(location.redacted)': \(message)\(detail) "
                                       + "(during: \(brief))")
        }
    }

    private static func field(_ result: OpaquePointer, _ code: Unicode.Scalar) -> String? {
        PQresultErrorField(result, Int32(code.value)).map { String(cString: $0) }
    }

    /// libpq's message for the connection, on one line, without the passwords
    /// of `location` (libpq quotes a value it cannot read, such as a malformed
    /// percent escape in a password).
    private static func connectionMessage(_ conn: OpaquePointer, _ location: PostgresLocation) -> String {
        let text = PostgresSecrets.scrubbed(PQerrorMessage(conn).map { String(cString: $0) } ?? "", of: location.url)
        let trimmed = text.split(separator: "\n").map { $0.trimmingPrefix(while: \.isWhitespace) }
            .joined(separator: "; ")
        return trimmed.isEmpty ? "unknown error" : trimmed
    }

    private static func withCStrings<T>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) throws -> T) rethrows -> T {
        let copies = strings.map { UnsafePointer(strdup($0)) }
        defer { copies.forEach { free(UnsafeMutablePointer(mutating: $0)) } }
        return try body(copies)
    }

    private static func withOptionalCStrings<T>(_ strings: [String?],
                                                _ body: ([UnsafePointer<CChar>?]) throws -> T) rethrows -> T {
        let copies = strings.map { $0.map { UnsafePointer(strdup($0)) } ?? nil }
        defer { copies.forEach { $0.map { free(UnsafeMutablePointer(mutating: $0)) } } }
        return try body(copies)
    }
}
