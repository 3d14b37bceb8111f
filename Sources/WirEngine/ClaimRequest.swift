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

/// The engine's answer to a claim.
public enum ClaimResult: Sendable, Equatable {
    /// Admitted: the claim as now held with all its entries; under the warn
    /// policy, the overlaps it was admitted despite.
    case admitted(ClaimRecord, entries: [PathEntry], warnings: [Conflict])
    /// Refused: nothing was claimed; every overlapping pair.
    case refused([Conflict])
    /// Queued: nothing is held; the request waits under `ticket` for `blockers`.
    case queued(ticket: Int64, conflicts: [Conflict], blockers: [Blocker])
    /// Queue policy with no time left to wait: nothing was claimed.
    case timedOut([Conflict])
}

/// Something a queued claim waits for: a holder (whose death or lapse frees
/// it) or a waiter ahead of it.
public struct Blocker: Sendable, Equatable {
    public var owner: Owner
    /// When it stops blocking without anyone's action: the holder's lease end
    /// plus grace, or a waiter's lease end.
    public var lapsesMs: Int64

    public init(owner: Owner, lapsesMs: Int64) {
        self.owner = owner
        self.lapsesMs = lapsesMs
    }
}
