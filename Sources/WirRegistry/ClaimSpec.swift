import WirEngine

/// A claim as a caller asks for it, before validation and canonicalisation.
public struct ClaimSpec: Sendable {
    /// nil: a unique id is generated.
    public var taskID: String?
    /// Paths or globs the task will write, as the caller spells them.
    public var writes: [String]
    /// Paths or globs the task will only read.
    public var reads: [String]
    /// Lease length; 0 means the registry's default (10 minutes unless set),
    /// `ClaimSpec.whileAlive` (-1) as long as an owner lives.
    public var ttlMs: Int64
    /// nil: `WIR_POLICY` from the environment, else the registry's default.
    public var policy: Policy?
    /// Queue policy only: -1 waits for ever, 0 tries once, else milliseconds.
    public var timeoutMs: Int64
    /// The key of a claim in flight under `taskID`, to extend it from another process.
    public var key: String?
    /// nil: the calling process owns the claim.
    public var ownerPID: Int32?
    /// A free-text description for listings (at most 256 bytes).
    public var label: String
    /// The claim to make this one under (its task id and key), if any.
    public var parent: ParentClaim?
    /// Paths (not globs) a confined run of the task may write without claiming
    /// them, as the caller spells them; recorded with the claim for listings.
    public var allowWrites: [String]

    /// `ttlMs` for a claim held as long as an owner lives (WIR_TTL_WHILE_ALIVE).
    public static let whileAlive: Int64 = -1

    public init(taskID: String? = nil, writes: [String], reads: [String] = [], ttlMs: Int64 = 0,
                policy: Policy? = nil, timeoutMs: Int64 = -1, key: String? = nil, ownerPID: Int32? = nil,
                label: String = "", parent: ParentClaim? = nil, allowWrites: [String] = []) {
        self.taskID = taskID
        self.writes = writes
        self.reads = reads
        self.ttlMs = ttlMs
        self.policy = policy
        self.timeoutMs = timeoutMs
        self.key = key
        self.ownerPID = ownerPID
        self.label = label
        self.parent = parent
        self.allowWrites = allowWrites
    }
}
