/// Whose clock a transaction goes by.
extension Engine {
    /// The time to judge leases by inside `tx`: the store's clock when it keeps
    /// one for every client (a PostgreSQL registry shared by several hosts),
    /// else the injected clock. Taken once per transaction.
    public func now(in tx: any StoreTransaction) throws -> Int64 {
        try tx.clockMs() ?? clock.nowMs()
    }
}
