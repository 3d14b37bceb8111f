/// Where claims live. The engine decides; a store only records, and answers
/// the few queries the engine needs, each by an index rather than a scan.
///
/// Implementations: `SQLiteStore` (one file shared by the processes of a
/// machine), `PostgresStore` (a schema shared by several hosts) and, in tests,
/// an in-memory store. Every engine rule is checked against each by one
/// parameterised suite.
public protocol RegistryStore: AnyObject {
    /// Runs `body` in one write transaction, exclusive among every process
    /// using the store: committed if `body` returns, rolled back if it throws.
    func write<T>(_ body: (any StoreTransaction) throws -> T) throws -> T
    /// As `write(_:)`, naming reads the body is expected to make (`ExpectedRead`),
    /// which the store may fetch ahead. The default ignores them.
    func write<T>(expecting reads: [ExpectedRead], _ body: (any StoreTransaction) throws -> T) throws -> T
    /// Runs `body` against a consistent snapshot, without blocking writers.
    func read<T>(_ body: (any StoreTransaction) throws -> T) throws -> T
}

extension RegistryStore {
    public func write<T>(expecting reads: [ExpectedRead], _ body: (any StoreTransaction) throws -> T) throws -> T {
        try write(body)
    }
}
