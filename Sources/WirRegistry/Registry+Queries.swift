import WirEngine
import WirHost

/// What a person (or the CLI) asks a registry, and its stored defaults. Each
/// call is one engine query or write under the handle's lock.
extension Registry {
    /// Claims that still hold, with their entries, and the waiters in ticket order.
    public func inFlight() throws -> (claims: [(ClaimRecord, [PathEntry])], waiters: [Waiter]) {
        try locked { try engine.inFlight(in: store) }
    }

    /// The claims that hold `path` (an entry that matches it or lies above
    /// it), and the waiters that wait to.
    public func who(_ path: String) throws -> (claims: [(ClaimRecord, [PathEntry])], waiters: [Waiter]) {
        let canonical = try PathResolver.canonicalize(path)
        return try locked { try engine.who(canonical, in: store) }
    }

    /// True when the live claim writing `path` (or an ancestor) has `token`.
    public func tokenHolds(_ token: Int64, path: String) throws -> Bool {
        let canonical = try PathResolver.canonicalize(path)
        return try locked { try engine.tokenHolds(token, path: canonical, in: store) }
    }

    /// True when the claim `taskID` still holds (and `key` is its key): a
    /// cheap read, for a holder watching whether it lost its claim. Throws
    /// `.lost` when the registry file is gone.
    public func isHeld(taskID: String, key: String) throws -> Bool {
        try held { try engine.isHeld(taskID: taskID, key: key, in: store) }
    }

    /// Conflict-log rows that last changed at or after `sinceMs` (ms since the
    /// epoch), in that order; only those with an outcome in `outcomes` (empty: all).
    public func conflictLog(sinceMs: Int64 = 0, limit: Int = 1000,
                            outcomes: Set<ConflictOutcome> = []) throws -> [ConflictLogEntry] {
        try locked { try engine.conflictLog(sinceMs: sinceMs, limit: limit, outcomes: outcomes, in: store) }
    }

    /// Ended claims at or after `sinceMs`, oldest first.
    public func history(sinceMs: Int64 = 0, limit: Int = 1000) throws -> [HistoryEntry] {
        try locked { try engine.history(sinceMs: sinceMs, limit: limit, in: store) }
    }

    /// Deletes conflict-log and history rows older than `beforeMs`; returns how many.
    public func prune(beforeMs: Int64) throws -> Int {
        try locked { try engine.prune(beforeMs: beforeMs, in: store) }
    }

    /// The registry's stored defaults (policy, TTL, grace, retention).
    public func settings() throws -> RegistrySettings {
        try locked { try engine.settings(in: store) }
    }

    /// One stored default as text, by the name C, Python and the CLI use
    /// (`RegistrySetting`).
    public func setting(_ name: String) throws -> String {
        let setting = try RegistrySetting(named: name)
        return setting.value(in: try settings())
    }

    /// Stores one default for every process using this registry, from text.
    public func setSetting(_ name: String, to value: String) throws {
        let setting = try RegistrySetting(named: name)
        try locked {
            var settings = try engine.settings(in: store)
            try setting.set(value, in: &settings)
            try engine.save(settings, in: store)
        }
    }

    /// Stores new defaults for every process using this registry.
    public func save(_ settings: RegistrySettings) throws {
        try locked { try engine.save(settings, in: store) }
    }
}
