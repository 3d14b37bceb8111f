/// A claim as the store keeps it while it is in flight.
public struct ClaimRecord: Sendable, Equatable {
    public var taskID: String
    /// The secret that lets another process extend, heartbeat or release the claim.
    public var key: String
    /// The fencing token of the claim's latest admission.
    public var token: Int64
    public var owner: Owner
    public var createdMs: Int64
    public var expiresMs: Int64
    public var ttlMs: Int64

    public init(taskID: String, key: String, token: Int64, owner: Owner,
                createdMs: Int64, expiresMs: Int64, ttlMs: Int64) {
        self.taskID = taskID
        self.key = key
        self.token = token
        self.owner = owner
        self.createdMs = createdMs
        self.expiresMs = expiresMs
        self.ttlMs = ttlMs
    }

    public func isExpired(at nowMs: Int64) -> Bool { expiresMs <= nowMs }
}

/// One path held by one task.
public struct PathHolding: Sendable, Equatable {
    public var path: CanonicalPath
    public var taskID: String

    public init(path: CanonicalPath, taskID: String) {
        self.path = path
        self.taskID = taskID
    }
}

/// Why a claim stopped being held.
public enum EndReason: String, Sendable, CaseIterable {
    case completed, failed, cancelled, expired
    case ownerDead = "owner-dead"
}

/// A finished claim, as kept in the registry's history.
public struct HistoryEntry: Sendable, Equatable {
    public var claim: ClaimRecord
    public var paths: [CanonicalPath]
    public var endedMs: Int64
    public var reason: EndReason

    public init(claim: ClaimRecord, paths: [CanonicalPath], endedMs: Int64, reason: EndReason) {
        self.claim = claim
        self.paths = paths
        self.endedMs = endedMs
        self.reason = reason
    }
}
