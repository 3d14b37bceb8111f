/// A row of the conflict log: who asked, who held, what overlapped, what happened.
public struct ConflictLogEntry: Sendable, Equatable {
    public var atMs: Int64
    public var taskID: String
    public var conflict: Conflict
    public var policy: Policy
    /// What became of the request.
    public var outcome: ConflictOutcome
    public var waitedMs: Int64

    public init(atMs: Int64, taskID: String, conflict: Conflict, policy: Policy,
                outcome: ConflictOutcome, waitedMs: Int64 = 0) {
        self.atMs = atMs
        self.taskID = taskID
        self.conflict = conflict
        self.policy = policy
        self.outcome = outcome
        self.waitedMs = waitedMs
    }
}
