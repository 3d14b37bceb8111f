import WirEngine

/// One transaction's statements on their way to the server, so that a call
/// costs as few round trips as its reads need (`PostgresPipelining`):
/// - BEGIN goes with the lock, the settings and the reads the engine expects
///   (`ExpectedRead`), in one pipeline; their answers are kept;
/// - a write whose answer nothing needs is held back, and sent ahead of the
///   next read, or with COMMIT, in the same pipeline (statements still run in
///   the order the engine made them);
/// - a kept answer serves a read only while no write of this transaction could
///   have changed it: every writer holds the registry's lock from BEGIN to
///   COMMIT (`PostgresStore`), so nothing else changes the rows meanwhile, and
///   the store forgets the answers its own writes touch (`forget`).
/// Without pipelining, every statement is sent when made, nothing is fetched ahead.
///
/// Not thread-safe: one transaction's, on its connection.
final class PostgresBatch {
    let connection: PostgresConnection
    /// Pipelining, as it was when the transaction began.
    let pipelining = PostgresPipelining.isEnabled
    private var pending: [PostgresStatement] = []
    private var answers: [ExpectedRead: PostgresRows] = [:]
    /// The settings rows read with BEGIN, until the transaction saves settings.
    private(set) var settings: PostgresRows?

    init(connection: PostgresConnection) { self.connection = connection }

    /// Runs `first` (BEGIN, then the statements that open the transaction), then,
    /// when pipelining, `settingsStatement` and each expected read, in one round
    /// trip; keeps the settings and the reads' answers; returns `first`'s rows.
    func start(_ first: [PostgresStatement], settingsStatement: PostgresStatement?,
               expecting reads: [(ExpectedRead, PostgresStatement)]) throws -> [PostgresRows] {
        answers = [:]
        settings = nil
        pending = []
        guard pipelining else { return try connection.pipeline(first) }
        let extra = (settingsStatement.map { [$0] } ?? []) + reads.map(\.1)
        let rows = try connection.pipeline(first + extra)
        var fetched = rows[first.count...].makeIterator()
        if settingsStatement != nil { settings = fetched.next() }
        for (read, _) in reads { answers[read] = fetched.next() }
        return Array(rows[..<first.count])
    }

    /// The kept answer to `read`, if still valid.
    func answer(_ read: ExpectedRead) -> PostgresRows? { answers[read] }

    /// Forgets kept answers that a write may have changed.
    func forget(where changed: (ExpectedRead, PostgresRows) -> Bool) {
        answers = answers.filter { !changed($0.key, $0.value) }
    }

    /// Forgets the settings read with BEGIN (the transaction saves new ones).
    func forgetSettings() { settings = nil }

    /// A write whose answer nothing needs: held back when pipelining, else run now.
    func write(_ statement: PostgresStatement) throws {
        if pipelining { pending.append(statement) } else { _ = try connection.pipeline([statement]) }
    }

    /// A statement whose answer is needed, after the writes held back, in one round trip.
    func read(_ statement: PostgresStatement) throws -> PostgresRows {
        let statements = pending + [statement]
        pending = []
        return try connection.pipeline(statements).last!
    }

    /// The writes held back, then COMMIT, in one round trip.
    func commit() throws {
        let statements = pending + [PostgresStatement("COMMIT", unprepared: true)]
        pending = []
        _ = try connection.pipeline(statements)
    }
}
