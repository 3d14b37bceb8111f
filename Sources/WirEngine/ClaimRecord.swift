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
    /// A free-text description given by the caller ("nightly build"), shown in listings.
    public var label: String

    public init(taskID: String, key: String, token: Int64, owner: Owner,
                createdMs: Int64, expiresMs: Int64, ttlMs: Int64, label: String = "") {
        self.taskID = taskID
        self.key = key
        self.token = token
        self.owner = owner
        self.createdMs = createdMs
        self.expiresMs = expiresMs
        self.ttlMs = ttlMs
        self.label = label
    }

    public func isExpired(at nowMs: Int64) -> Bool { expiresMs <= nowMs }
}

/// One entry held by one task.
public struct Holding: Sendable, Hashable, Comparable {
    public var entry: PathEntry
    public var taskID: String

    public init(entry: PathEntry, taskID: String) {
        self.entry = entry
        self.taskID = taskID
    }

    public static func < (a: Holding, b: Holding) -> Bool {
        a.entry != b.entry ? a.entry < b.entry : ByteOrder.compare(a.taskID, b.taskID) < 0
    }
}

/// A claim waiting its turn under the queue policy. Its ticket orders it
/// among the other waiters; it holds nothing.
public struct Waiter: Sendable, Equatable {
    public var ticket: Int64
    public var taskID: String
    public var owner: Owner
    public var entries: [PathEntry]
    public var enqueuedMs: Int64
    /// The waiting process renews this while it waits; a lapsed waiter is reaped.
    public var expiresMs: Int64

    public init(ticket: Int64, taskID: String, owner: Owner, entries: [PathEntry], enqueuedMs: Int64, expiresMs: Int64) {
        self.ticket = ticket
        self.taskID = taskID
        self.owner = owner
        self.entries = entries
        self.enqueuedMs = enqueuedMs
        self.expiresMs = expiresMs
    }
}

/// Why a claim stopped being held.
public enum EndReason: String, Sendable, CaseIterable {
    case completed, failed, cancelled, expired
    case ownerDead = "owner-dead"
    case forced
}

/// A finished claim, as kept in the registry's history.
public struct HistoryEntry: Sendable, Equatable {
    public var claim: ClaimRecord
    public var entries: [PathEntry]
    public var endedMs: Int64
    public var reason: EndReason
    /// For a forced release: who forced it ("uid 0 (root), pid 4242 on box").
    public var forcedBy: String

    public init(claim: ClaimRecord, entries: [PathEntry], endedMs: Int64, reason: EndReason, forcedBy: String = "") {
        self.claim = claim
        self.entries = entries
        self.forcedBy = forcedBy
        self.endedMs = endedMs
        self.reason = reason
    }
}
