#if canImport(Glibc)
import Glibc
#endif
import CLibPQ
import WirEngine
import WirHost
import WirStorage

/// One libpq connection to the registry's database, with a cache of prepared
/// statements and the session settings wir relies on (its schema first on the
/// search path, a lock timeout, no notices on stderr). Connecting and every
/// round trip end by a deadline (`PostgresConnection+Deadline`); a connection
/// that misses one is closed, and the next call opens a new one.
///
/// Not thread-safe: its owner serialises calls (Registry holds a lock around
/// each use). Never used in a fork child: closing it there would end the
/// parent's session, so a child leaks it instead.
final class PostgresConnection {
    let location: PostgresLocation
    /// libpq's connection; nil once closed (it missed a deadline, or could not be opened).
    var conn: OpaquePointer?
    /// SQL text -> name of the server-side prepared statement.
    var prepared: [String: String] = [:]
    /// The number in the next prepared statement's name (`wir_N`), per session.
    var nextStatement = 1
    private let openerPID = getpid()
    /// How long connecting, and each round trip, may take (`PostgresTimeout`).
    let timeoutMs: Int64
    /// How long a writer waits for the registry's lock before `.busy`, as SQLite's busy
    /// timeout: at most half of `timeoutMs`, so a wait for the lock ends before the deadline.
    let lockTimeoutMs: Int
    /// Round trips made on this connection (`PostgresRoundTrips` counts the process's).
    var roundTrips = 0
    /// A sooner end for every round trip while set (`bounded(by:)`).
    private(set) var callDeadline: Deadline?
    private let purpose: String?

    /// Connects, within `timeoutMs` (nil: `PostgresTimeout.fromEnvironment()`).
    /// `purpose` names what the session is for, in its `sessionName`.
    init(location: PostgresLocation, lockTimeoutMs: Int = 5000, purpose: String? = nil,
         timeoutMs: Int64? = nil) throws {
        try PostgresLibrary.load()
        self.location = location
        let timeoutMs = try timeoutMs ?? PostgresTimeout.fromEnvironment()
        self.timeoutMs = timeoutMs
        self.lockTimeoutMs = min(lockTimeoutMs, Int(timeoutMs / 2))
        self.purpose = purpose
        try open()
    }

    /// What the server shows for the session (`application_name` in `pg_stat_activity`, unless
    /// the URL sets one): `wir[PID] SCHEMA`, or `wir[PID] PURPOSE SCHEMA` (`wir[4242] listen
    /// team_a`), so that an operator can tell which process a session serves. The pid comes
    /// first: the server keeps only the first 63 bytes.
    static func sessionName(_ purpose: String?, _ location: PostgresLocation) -> String {
        "wir[\(getpid())] " + (purpose.map { $0 + " " } ?? "") + location.schema.name
    }

    /// libpq's parameters: defaults first, then the URL (expanded from "dbname", last), which
    /// overrides any of them. TCP keepalives and a user timeout notice a vanished host within
    /// about 30 s, rather than the kernel's two hours. (No `connect_timeout`: the deadline
    /// bounds connecting, and libpq applies that parameter only to blocking connects.)
    var connectionParameters: (keywords: [String], values: [String]) {
        (["fallback_application_name", "client_encoding", "keepalives", "keepalives_idle", "keepalives_interval",
          "keepalives_count", "tcp_user_timeout", "dbname"],
         [Self.sessionName(purpose, location), "UTF8", "1", "10", "5", "3", "30000", location.connectionURL])
    }

    deinit { close() }

    /// Closes the connection (a fork child leaves the parent's session alone);
    /// the next call opens a new one.
    func close() {
        if let conn, getpid() == openerPID { PQfinish(conn) }
        conn = nil
        prepared.removeAll()
        nextStatement = 1
        configured = false
    }

    /// False between connecting and the session settings being made: a session
    /// without them (no search_path to the registry's schema) must not be used.
    private var configured = false

    /// True when the connection is closed, was found broken (the server went
    /// away or the session was ended), or its session settings could not be made.
    var isBroken: Bool { !configured || conn.map { PQstatus($0) != CONNECTION_OK } ?? true }

    /// Reconnects first if the connection is broken; every entry point calls it.
    func ensureConnected() throws {
        if isBroken { try reconnect() }
    }

    /// False once the call's deadline (`bounded(by:)`) has passed: trying again is no use.
    var hasTimeLeft: Bool { callDeadline.map { $0.atMs > MonotonicClock.bootMs() } ?? true }

    /// The descriptor to poll for notifications; -1 when closed.
    var socket: Int32 { conn.map(PQsocket) ?? -1 }

    /// The server process serving this session (`pg_backend_pid()`), for diagnostics and tests.
    var backendPID: Int32 { conn.map(PQbackendPID) ?? 0 }

    /// Opens a new session in place of this one (prepared statements and settings are made again).
    func reconnect() throws { try open() }

    /// Connects and makes the session's settings, together within one deadline.
    private func open() throws {
        close()
        let deadline = PostgresTimeout.deadline(timeoutMs).earlier(than: callDeadline)
        try bounded(by: deadline) {
            try connect(until: deadline)
            try configureSession()
        }
    }

    /// Runs `body` with every round trip over by `deadline` (or sooner, by
    /// `timeoutMs`): a lease's renewal, say, which is no use once the lease ended.
    func bounded<T>(by deadline: Deadline, _ body: () throws -> T) rethrows -> T {
        let saved = callDeadline
        callDeadline = deadline.earlier(than: saved)
        defer { callDeadline = saved }
        return try body()
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
    /// `deadline` replaces `timeoutMs` for it (a migration's longer limit), still no later than the call's.
    func execute(_ sql: String, deadline: Deadline? = nil) throws {
        try check(roundTrip(sql, deadline) { PQsendQuery($0, sql) }, doing: sql)
    }

    /// Runs a prepared statement (prepared on first use) with text parameters.
    @discardableResult
    func query(_ sql: String, _ parameters: [String?] = []) throws -> PostgresRows {
        let name: String
        if let cached = prepared[sql] {
            name = cached
        } else {
            name = newStatementName()
            try check(roundTrip(sql) { PQsendPrepare($0, name, sql, Int32(parameters.count), nil) }, doing: sql)
            prepared[sql] = name
        }
        return try Self.withOptionalCStrings(parameters) { values in
            try check(roundTrip(sql) { PQsendQueryPrepared($0, name, Int32(values.count), values, nil, nil, 0) },
                      doing: sql)
        }
    }

    /// A name for a new prepared statement of this session.
    func newStatementName() -> String {
        defer { nextStatement += 1 }
        return "wir_\(nextStatement)"
    }

    /// Reads and returns the payloads of notifications that arrived (LISTEN),
    /// without waiting; nil if the connection is closed or broke.
    func notifications() -> [String]? {
        guard let conn, PQconsumeInput(conn) == 1 else { return nil }
        var payloads: [String] = []
        while let notice = PQnotifies(conn) {
            payloads.append(String(cString: notice.pointee.extra))
            PQfreemem(notice)
        }
        return payloads
    }

    /// Turns a result into rows, or into the WirError its failure maps to.
    @discardableResult
    func check(_ result: OpaquePointer?, doing sql: String) throws -> PostgresRows {
        guard let result else {
            throw WirError(isBroken ? .io : .outOfMemory, "PostgreSQL registry '\(location.redacted)': "
                           + Self.connectionMessage(conn, location) + " (during: \(Self.brief(sql)))")
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
                                       + "(during: \(Self.brief(sql)))")
        }
    }

    /// A statement's first line, for messages.
    static func brief(_ sql: String) -> String { sql.split(separator: "\n").first.map(String.init) ?? sql }

    private static func field(_ result: OpaquePointer, _ code: Unicode.Scalar) -> String? {
        PQresultErrorField(result, Int32(code.value)).map { String(cString: $0) }
    }

    /// libpq's message for the connection, on one line, without the passwords
    /// of `location` (libpq quotes a value it cannot read, such as a malformed
    /// percent escape in a password).
    static func connectionMessage(_ conn: OpaquePointer?, _ location: PostgresLocation) -> String {
        let text = PostgresSecrets.scrubbed(conn.flatMap(PQerrorMessage).map { String(cString: $0) }
                                            ?? "the connection is closed", of: location.url)
        let trimmed = text.split(separator: "\n").map { $0.trimmingPrefix(while: \.isWhitespace) }
            .joined(separator: "; ")
        return trimmed.isEmpty ? "unknown error" : trimmed
    }

    static func withCStrings<T>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) throws -> T) rethrows -> T {
        let copies = strings.map { UnsafePointer(strdup($0)) }
        defer { copies.forEach { free(UnsafeMutablePointer(mutating: $0)) } }
        return try body(copies)
    }

    static func withOptionalCStrings<T>(_ strings: [String?],
                                                _ body: ([UnsafePointer<CChar>?]) throws -> T) rethrows -> T {
        let copies = strings.map { $0.map { UnsafePointer(strdup($0)) } ?? nil }
        defer { copies.forEach { $0.map { free(UnsafeMutablePointer(mutating: $0)) } } }
        return try body(copies)
    }
}
