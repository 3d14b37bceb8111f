import CLibPQ
import WirStorage

/// One row, read by column index. Columns wir's own schema declares NOT NULL
/// are read with `text`/`int64`, which give "" and 0 for a NULL.
struct PostgresRow: StoreRow {
    let columns: [String?]

    func text(_ index: Int) -> String { columns[index] ?? "" }
    func int64(_ index: Int) -> Int64 { columns[index].flatMap { Int64($0) } ?? 0 }
}
