import WirEngine

extension RegistrySettings {
    /// The settings as stored: (name, value) rows of the settings table,
    /// housekeeping's mark (`pruned_ms`) among them.
    public var stored: [(name: String, value: String)] {
        [("policy", policy.rawValue), ("ttl_ms", String(ttlMs)), ("grace_ms", String(graceMs)),
         ("log_days", String(logDays)), ("history_days", String(historyDays)), ("pruned_ms", String(prunedMs)),
         ("confine", confine.rawValue)]
    }

    /// Settings from stored rows; a missing or unreadable one keeps its default.
    public init(stored rows: [(name: String, value: String)]) {
        self.init()
        for (name, value) in rows {
            switch name {
            case "policy": policy = Policy(rawValue: value) ?? policy
            case "ttl_ms": ttlMs = Int64(value) ?? ttlMs
            case "grace_ms": graceMs = Int64(value) ?? graceMs
            case "log_days": logDays = Int64(value) ?? logDays
            case "history_days": historyDays = Int64(value) ?? historyDays
            case "pruned_ms": prunedMs = Int64(value) ?? prunedMs
            case "confine": confine = ConfineMode(rawValue: value) ?? confine
            default: break
            }
        }
    }
}
