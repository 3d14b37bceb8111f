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
