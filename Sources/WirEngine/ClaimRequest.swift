/// What a caller asks for, already validated and canonicalised.
public struct ClaimRequest: Sendable {
    public var taskID: String
    /// The key of a claim in flight under `taskID`, to extend it from another process.
    public var key: String?
    /// Canonical, de-duplicated, sorted entries; never empty.
    public var entries: [PathEntry]
    /// nil: the registry's default.
    public var ttlMs: Int64?
    /// nil: the registry's default.
    public var policy: Policy?
    public var owner: Owner
    /// The key to give the claim if it is new.
    public var newKey: String
    /// A free-text description for listings.
    public var label: String

    public init(taskID: String, key: String?, entries: [PathEntry], ttlMs: Int64?,
                policy: Policy?, owner: Owner, newKey: String, label: String = "") {
        self.taskID = taskID
        self.key = key
        self.entries = Array(Set(entries)).sorted()
        self.ttlMs = ttlMs
        self.policy = policy
        self.owner = owner
        self.newKey = newKey
        self.label = label
    }

    /// A request for plain write paths, as most callers make.
    public init(taskID: String, key: String?, writes: [CanonicalPath], ttlMs: Int64?,
                policy: Policy?, owner: Owner, newKey: String) {
        self.init(taskID: taskID, key: key, entries: writes.map { PathEntry(.write, $0) }, ttlMs: ttlMs,
                  policy: policy, owner: owner, newKey: newKey)
    }
}
