/// Whose clock a transaction goes by.
extension Engine {
    /// The time to judge leases by inside `tx`: the store's clock when it keeps
    /// one for every client (a PostgreSQL registry shared by several hosts),
    /// else the injected clock, with its boot clock. Taken once per transaction.
    public func leaseClock(in tx: any StoreTransaction) throws -> LeaseClock {
        if let server = try tx.clockMs() { return LeaseClock(nowMs: server, boot: nil) }
        return LeaseClock(nowMs: clock.nowMs(), boot: clock.bootTime())
    }
}
