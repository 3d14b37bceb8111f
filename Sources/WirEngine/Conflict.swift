/// One overlapping pair: a path a claim asked for and a path another task holds.
public struct Conflict: Sendable, Equatable {
    public var requestedPath: CanonicalPath
    public var heldPath: CanonicalPath
    public var holderTaskID: String
    public var holderHost: String
    public var holderPID: Int32
    public var holderExpiresMs: Int64

    public init(requestedPath: CanonicalPath, heldPath: CanonicalPath, holder: ClaimRecord) {
        self.requestedPath = requestedPath
        self.heldPath = heldPath
        self.holderTaskID = holder.taskID
        self.holderHost = holder.owner.host
        self.holderPID = holder.owner.pid
        self.holderExpiresMs = holder.expiresMs
    }
}

/// How a claim was decided on overlap. Only `refuse` is implemented so far.
public enum Policy: String, Sendable, CaseIterable {
    case refuse, queue, warn
}

/// A row of the conflict log: who asked, who held, what overlapped, what happened.
public struct ConflictLogEntry: Sendable, Equatable {
    public var atMs: Int64
    public var taskID: String
    public var conflict: Conflict
    public var policy: Policy
    /// What became of the request: "refused" for now; "queued", "timed-out" and
    /// "warned" follow with the other policies.
    public var outcome: String
    public var waitedMs: Int64

    public init(atMs: Int64, taskID: String, conflict: Conflict, policy: Policy,
                outcome: String, waitedMs: Int64 = 0) {
        self.atMs = atMs
        self.taskID = taskID
        self.conflict = conflict
        self.policy = policy
        self.outcome = outcome
        self.waitedMs = waitedMs
    }
}
