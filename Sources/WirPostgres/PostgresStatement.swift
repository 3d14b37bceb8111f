/// One statement to run with its text parameters: prepared on first use (a
/// constant text, run again and again), or sent as it is (`unprepared`:
/// BEGIN, COMMIT). A value type: thread-safe.
struct PostgresStatement {
    let sql: String
    let parameters: [String?]
    let unprepared: Bool

    init(_ sql: String, _ parameters: [String?] = [], unprepared: Bool = false) {
        self.sql = sql
        self.parameters = parameters
        self.unprepared = unprepared
    }
}
