/// Registry-wide defaults, stored in the registry.
public struct RegistrySettings: Sendable, Equatable {
    public var policy: Policy = .refuse
    public var ttlMs: Int64 = Limits.defaultTTLMs
    /// How long a claim whose lease lapsed keeps blocking others (its owner
    /// may be paused, not dead). Owners proven dead need no grace.
    public var graceMs: Int64 = 0
    /// Whether `wir run` confines its command when neither `--confine` nor
    /// `WIR_CONFINE` says.
    public var confine: ConfineMode = .off

    public init(policy: Policy = .refuse, ttlMs: Int64 = Limits.defaultTTLMs, graceMs: Int64 = 0,
                confine: ConfineMode = .off) {
        self.policy = policy
        self.ttlMs = ttlMs
        self.graceMs = graceMs
        self.confine = confine
    }

    /// Throws `.invalidArgument` unless the TTL is 1 ms to a year and the grace 0 to a year.
    public func check() throws {
        guard ttlMs > 0, ttlMs <= Limits.maxTTLMs else {
            throw WirError(.invalidArgument, "TTL \(ttlMs) ms is out of range (1 to \(Limits.maxTTLMs))")
        }
        guard graceMs >= 0, graceMs <= Limits.maxTTLMs else {
            throw WirError(.invalidArgument, "grace \(graceMs) ms is out of range (0 to \(Limits.maxTTLMs))")
        }
    }
}
