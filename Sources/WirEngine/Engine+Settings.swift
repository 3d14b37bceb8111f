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
        try store.write { try $0.prune(logBeforeMs: beforeMs, historyBeforeMs: beforeMs) }
    }

    /// How often claims prune the log and history by their retention settings.
    public static let pruneEveryMs: Int64 = 3_600_000

    /// Housekeeping: deletes the rows older than the registry's retention
    /// (`log_days`, `history_days`) when the last pass is over an hour old
    /// (`force`: now), and marks the pass. Returns how many rows went.
    @discardableResult
    func pruneIfDue(force: Bool = false, _ context: EngineContext) throws -> Int {
        var settings = context.settings
        guard force || context.now - settings.prunedMs >= Self.pruneEveryMs else { return 0 }
        let removed = try context.tx.prune(
            logBeforeMs: RegistrySettings.cutoff(days: settings.logDays, now: context.now),
            historyBeforeMs: RegistrySettings.cutoff(days: settings.historyDays, now: context.now))
        settings.prunedMs = context.now
        try context.tx.save(settings)
        return removed
    }
}
