/// A result row as a store reads it: columns by 0-based position. Columns
/// the schema declares NOT NULL only; implementations give "" and 0 for NULL.
public protocol StoreRow {
    func int64(_ column: Int) -> Int64
    func text(_ column: Int) -> String
}
