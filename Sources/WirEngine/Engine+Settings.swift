/// The registry's stored defaults and the pruning of its records.
extension Engine {
    /// The registry's defaults (policy, TTL, grace).
    public func settings(in store: any RegistryStore) throws -> RegistrySettings {
        try store.read { try $0.settings() }
    }

    /// Stores new defaults for every process using the registry, once checked.
    public func save(_ settings: RegistrySettings, in store: any RegistryStore) throws {
        try settings.check()
        try store.write { try $0.save(settings) }
    }

    /// Deletes conflict-log and history rows older than `beforeMs`; returns how many.
    public func prune(beforeMs: Int64, in store: any RegistryStore) throws -> Int {
        try store.write { try $0.prune(beforeMs: beforeMs) }
    }
}
