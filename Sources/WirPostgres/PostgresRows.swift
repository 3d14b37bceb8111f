import CLibPQ
import WirEngine
import WirStorage

/// The rows of one statement's result, copied out of libpq's `PGresult`
/// (which is freed at once), as text: nil is SQL NULL. A value type that owns
/// its strings: thread-safe.
struct PostgresRows {
    let values: [[String?]]
    /// Rows inserted, updated or deleted (`PQcmdTuples`), 0 for a query.
    let affected: Int

    /// Copies and frees `result`, which must have succeeded.
    init(consuming result: OpaquePointer) {
        defer { PQclear(result) }
        let rowCount = Int(PQntuples(result)), columnCount = Int(PQnfields(result))
        values = (0..<rowCount).map { row in
            (0..<columnCount).map { column in
                PQgetisnull(result, Int32(row), Int32(column)) == 1
                    ? nil : String(cString: PQgetvalue(result, Int32(row), Int32(column)))
            }
        }
        affected = Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    /// Rows made here (the answer a held-back write leaves for a later read).
    init(values: [[String?]], affected: Int = 0) {
        self.values = values
        self.affected = affected
    }

    var first: PostgresRow? { values.first.map(PostgresRow.init) }
    var rows: [PostgresRow] { values.map(PostgresRow.init) }
}
