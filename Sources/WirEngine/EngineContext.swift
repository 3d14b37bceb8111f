/// What one engine transaction works with: the store's transaction, its time
/// and settings, and whether it freed anything. Used by one thread, for one
/// transaction.
final class EngineContext {
    let tx: any StoreTransaction
    let now: Int64
    let settings: RegistrySettings
    /// Set when the transaction freed an entry or left the queue: waiters must look again.
    var freed = false

    init(tx: any StoreTransaction, now: Int64, settings: RegistrySettings) {
        self.tx = tx
        self.now = now
        self.settings = settings
    }
}
