import CSQLite
import WirEngine
import WirStorage

/// A prepared statement: bind by position (1-based), step, read columns (0-based).
final class SQLiteStatement: StoreRow {
    fileprivate let raw: OpaquePointer
    fileprivate unowned let connection: SQLiteConnection

    init(_ raw: OpaquePointer, connection: SQLiteConnection) {
        self.raw = raw
        self.connection = connection
    }

    deinit { sqlite3_finalize(raw) }

    /// The SQL text the statement was prepared from.
    var sql: String { sqlite3_sql(raw).map { String(cString: $0) } ?? "" }

    /// Ready to run again. The bindings stay: every use binds all of the
    /// statement's parameters (`bind` checks in debug builds), so none is stale.
    func reset() {
        sqlite3_reset(raw)
        bound = false
    }

    /// Whether `bind` ran since the last `reset` (checked in debug builds).
    private var bound = false
    /// A statement of the connection's cache, run again and again (one prepared
    /// for one use has nothing bound from before).
    var reused = false

    /// Binds `values` to parameters 1, 2 … in order: all of the statement's parameters.
    @discardableResult
    func bind(_ values: SQLiteValue...) throws -> SQLiteStatement {
        assert(values.count == Int(sqlite3_bind_parameter_count(raw)), "bind every parameter of \(sql)")
        bound = true
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .integer(let number): rc = sqlite3_bind_int64(raw, index, number)
            case .text(var text):
                // The string's own UTF-8 bytes with their length: no C string is made.
                rc = text.withUTF8 { bytes in
                    bytes.withMemoryRebound(to: CChar.self) {
                        sqlite3_bind_text(raw, index, $0.baseAddress ?? emptyText, Int32($0.count), sqliteTransient)
                    }
                }
            case .null: rc = sqlite3_bind_null(raw, index)
            }
            guard rc == SQLITE_OK else { throw connection.failure(rc, doing: "bind") }
        }
        return self
    }

    /// Advances to the next row: true if there is one, false when done.
    func step() throws -> Bool {
        assert(bound || !reused || sqlite3_bind_parameter_count(raw) == 0, "bind the parameters of \(sql) before running it")
        let rc = sqlite3_step(raw)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = connection.failure(rc, doing: String(cString: sqlite3_sql(raw)))
            sqlite3_reset(raw)
            throw error
        }
    }

    /// Steps a statement that returns no rows.
    func run() throws {
        while try step() {}
    }

    /// The first row read by `read`, or nil; the statement is reset afterwards so
    /// that it holds no read transaction open.
    func first<T>(_ read: (SQLiteStatement) -> T) throws -> T? {
        defer { sqlite3_reset(raw) }
        return try step() ? read(self) : nil
    }

    /// Every row, each read by `read`; stepping to the end leaves the statement
    /// idle, and so does a `read` that throws (the statement is reset).
    func rows<T>(_ read: (SQLiteStatement) throws -> T) throws -> [T] {
        var result: [T] = []
        do {
            while try step() { result.append(try read(self)) }
        } catch {
            sqlite3_reset(raw)
            throw error
        }
        return result
    }

    func int64(_ column: Int) -> Int64 { sqlite3_column_int64(raw, Int32(column)) }

    func text(_ column: Int) -> String {
        guard let bytes = sqlite3_column_text(raw, Int32(column)) else { return "" }
        return String(cString: bytes)
    }
}

/// SQLite copies bound text before the call returns.
private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
/// Text of no bytes (a null pointer would bind NULL).
private let emptyLiteral: StaticString = ""
private var emptyText: UnsafePointer<CChar> { UnsafeRawPointer(emptyLiteral.utf8Start).assumingMemoryBound(to: CChar.self) }
