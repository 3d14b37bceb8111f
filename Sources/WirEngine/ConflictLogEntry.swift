/// A row of the conflict log: who asked, who held, what overlapped, what happened.
/// A refusal that its task repeats against the same holder and entries is one
/// row: `count` attempts, the first at `atMs`, the latest at `lastMs`.
public struct ConflictLogEntry: Sendable, Equatable {
    public var atMs: Int64
    public var taskID: String
    public var conflict: Conflict
    public var policy: Policy
    /// What became of the request.
    public var outcome: ConflictOutcome
    public var waitedMs: Int64
    /// How many attempts the row stands for (repeated refusals; otherwise 1).
    public var count: Int64
    /// When the row last changed: the latest attempt, or when a wait ended.
    public var lastMs: Int64

    public init(atMs: Int64, taskID: String, conflict: Conflict, policy: Policy,
                outcome: ConflictOutcome, waitedMs: Int64 = 0, count: Int64 = 1, lastMs: Int64? = nil) {
        self.atMs = atMs
        self.taskID = taskID
        self.conflict = conflict
        self.policy = policy
        self.outcome = outcome
        self.waitedMs = waitedMs
        self.count = count
        self.lastMs = lastMs ?? atMs
    }

    /// True for the rows one row stands for when repeated: a request turned
    /// away at once (refused, or a queue claim that might not wait).
    public var coalesces: Bool { outcome == .refused || outcome == .timedOut }
}
