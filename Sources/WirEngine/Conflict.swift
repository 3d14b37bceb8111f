/// One overlapping pair: an entry a claim asked for and an entry another task
/// holds (or, under the queue policy, waits for ahead of it).
public struct Conflict: Sendable, Equatable {
    public var requested: PathEntry
    public var held: PathEntry
    public var holderTaskID: String
    public var holderHost: String
    public var holderPID: Int32
    /// When the holder's lease lapses (for a waiter ahead: 0).
    public var holderExpiresMs: Int64
    /// True when the other task is not holding but waiting ahead in the queue.
    public var holderIsWaiting: Bool

    public init(requested: PathEntry, held: PathEntry, holder: ClaimRecord) {
        self.init(requested: requested, held: held, holderTaskID: holder.taskID, holderHost: holder.owner.host,
                  holderPID: holder.owner.pid, holderExpiresMs: holder.expiresMs, holderIsWaiting: false)
    }

    public init(requested: PathEntry, held: PathEntry, waiter: Waiter) {
        self.init(requested: requested, held: held, holderTaskID: waiter.taskID, holderHost: waiter.owner.host,
                  holderPID: waiter.owner.pid, holderExpiresMs: 0, holderIsWaiting: true)
    }

    /// A pair as read back from the conflict log.
    public init(requested: PathEntry, held: PathEntry, holderTaskID: String, holderHost: String,
                holderPID: Int32, holderExpiresMs: Int64, holderIsWaiting: Bool) {
        self.requested = requested
        self.held = held
        self.holderTaskID = holderTaskID
        self.holderHost = holderHost
        self.holderPID = holderPID
        self.holderExpiresMs = holderExpiresMs
        self.holderIsWaiting = holderIsWaiting
    }

    public var requestedPath: String { requested.text }
    public var heldPath: String { held.text }
}

/// What happens to a claim that overlaps another task's.
public enum Policy: String, Sendable, CaseIterable {
    /// Fail at once with the conflict report.
    case refuse
    /// Wait, in fair order, until nothing overlapping is held.
    case queue
    /// Admit anyway, log the overlap, and tell the caller.
    case warn
}

/// Registry-wide defaults, stored in the registry.
public struct RegistrySettings: Sendable, Equatable {
    public var policy: Policy = .refuse
    public var ttlMs: Int64 = 600_000
    /// How long a claim whose lease lapsed keeps blocking others (its owner
    /// may be paused, not dead). Owners proven dead need no grace.
    public var graceMs: Int64 = 0

    public init(policy: Policy = .refuse, ttlMs: Int64 = 600_000, graceMs: Int64 = 0) {
        self.policy = policy
        self.ttlMs = ttlMs
        self.graceMs = graceMs
    }
}

/// A row of the conflict log: who asked, who held, what overlapped, what happened.
public struct ConflictLogEntry: Sendable, Equatable {
    public var atMs: Int64
    public var taskID: String
    public var conflict: Conflict
    public var policy: Policy
    /// What became of the request: "refused", "warned", "queued" (still
    /// waiting), "admitted" (after waiting), "timed-out" or "cancelled".
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
