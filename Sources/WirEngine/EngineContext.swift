/// What one engine transaction works with: the store's transaction, its time
/// and settings, and whether it freed anything. Used by one thread, for one
/// transaction.
final class EngineContext {
    let tx: any StoreTransaction
    /// Wall (or server) time: when things happened, for the log and history.
    let now: Int64
    /// What leases are judged and written by.
    let lease: LeaseClock
    let settings: RegistrySettings
    /// Set when the transaction freed an entry or left the queue: waiters must look again.
    var freed = false
    /// Waiters admitted on their behalf in this transaction, in ticket order (`Engine+QueueAdmission`).
    var handedOff: [Int64] = []
    /// Waiters that must look for themselves (they could not be handed their claim).
    var mustLook: [Int64] = []
    /// The work its overlap decisions may still do.
    let budget = OverlapBudget()

    init(tx: any StoreTransaction, lease: LeaseClock, settings: RegistrySettings) {
        self.tx = tx
        now = lease.nowMs
        self.lease = lease
        self.settings = settings
    }
}
