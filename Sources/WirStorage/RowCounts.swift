/// The row counts `wir doctor` shows, the same tables in both stores: each
/// table's name and the statement that counts it (constant SQL).
public enum RowCounts {
    public static let queries: [(table: String, sql: String)] = [
        ("claims", "SELECT count(*) FROM claims"),
        ("claim_entries", "SELECT count(*) FROM claim_entries"),
        ("waiters", "SELECT count(*) FROM waiters"),
        ("history", "SELECT count(*) FROM history"),
        ("conflicts", "SELECT count(*) FROM conflicts"),
    ]

    /// One diagnostic per table, counted by `count` (which runs one query).
    public static func diagnostics(_ count: (String) throws -> Int64) throws -> [Diagnostic] {
        try queries.map { Diagnostic(name: $0.table, value: "\(try count($0.sql))", isNumber: true) }
    }
}
