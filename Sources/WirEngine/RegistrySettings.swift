/// Registry-wide defaults, stored in the registry, and the mark housekeeping leaves.
public struct RegistrySettings: Sendable, Equatable {
    public var policy: Policy = .refuse
    public var ttlMs: Int64 = Limits.defaultTTLMs
    /// How long a claim whose lease lapsed keeps blocking others (its owner
    /// may be paused, not dead). Owners proven dead need no grace.
    public var graceMs: Int64 = 0
    /// How many days conflict-log rows are kept after they last changed (0: for ever).
    public var logDays: Int64 = Self.defaultLogDays
    /// How many days history rows are kept after their claim ended (0: for ever).
    public var historyDays: Int64 = Self.defaultHistoryDays
    /// When housekeeping last pruned the log and history by age (ms since the
    /// epoch; not a setting anyone sets).
    public var prunedMs: Int64 = 0
    /// Whether `wir run` confines its command when neither `--confine` nor
    /// `WIR_CONFINE` says.
    public var confine: ConfineMode = .off

    public static let defaultLogDays: Int64 = 30
    public static let defaultHistoryDays: Int64 = 90
    /// The longest retention: 100 years.
    public static let maxRetentionDays: Int64 = 36_500

    public init(policy: Policy = .refuse, ttlMs: Int64 = Limits.defaultTTLMs, graceMs: Int64 = 0,
                logDays: Int64 = Self.defaultLogDays, historyDays: Int64 = Self.defaultHistoryDays,
                confine: ConfineMode = .off) {
        self.policy = policy
        self.ttlMs = ttlMs
        self.graceMs = graceMs
        self.logDays = logDays
        self.historyDays = historyDays
        self.confine = confine
    }

    /// Throws `.invalidArgument` unless the TTL is a lease `Limits.leaseLength`
    /// accepts (1 s to a year), the grace 0 to a year, and each retention 0 to
    /// `maxRetentionDays` days.
    public func check() throws {
        _ = try Limits.leaseLength(ttlMs)
        guard graceMs >= 0, graceMs <= Limits.maxTTLMs else {
            throw WirError(.invalidArgument, "grace \(graceMs) ms is out of range (0 to \(Limits.maxTTLMs))")
        }
        for (name, days) in [("log_days", logDays), ("history_days", historyDays)]
        where days < 0 || days > Self.maxRetentionDays {
            throw WirError(.invalidArgument, "\(name) \(days) is out of range (0 keeps for ever, at most "
                           + "\(Self.maxRetentionDays))")
        }
    }

    /// The time before which rows of a retention of `days` go (nil: kept for ever).
    public static func cutoff(days: Int64, now: Int64) -> Int64? {
        days == 0 ? nil : now - days * 86_400_000
    }
}
