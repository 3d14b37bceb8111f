/// What a caller asks for, already validated and canonicalised.
public struct ClaimRequest: Sendable {
    public var taskID: String
    /// The key of a claim in flight under `taskID`, to extend it from another process.
    public var key: String?
    /// Canonical, de-duplicated, sorted write set; never empty.
    public var writes: [CanonicalPath]
    public var ttlMs: Int64
    public var policy: Policy
    public var owner: Owner
    /// The key to give the claim if it is new.
    public var newKey: String

    public init(taskID: String, key: String?, writes: [CanonicalPath], ttlMs: Int64,
                policy: Policy, owner: Owner, newKey: String) {
        self.taskID = taskID
        self.key = key
        self.writes = Array(Set(writes)).sorted()
        self.ttlMs = ttlMs
        self.policy = policy
        self.owner = owner
        self.newKey = newKey
    }
}

/// The engine's answer to a claim.
public enum ClaimResult: Sendable, Equatable {
    /// Admitted: the claim as now held, with every path it holds.
    case admitted(ClaimRecord, paths: [CanonicalPath])
    /// Refused: nothing was claimed; every overlapping pair.
    case refused([Conflict])
}
