import WirEngine

/// The answer to a claim, with the task id (generated if the caller gave none)
/// and the canonical entries that were asked for. A plain value: thread-safe.
public struct ClaimOutcome: Sendable {
    public let taskID: String
    public let requested: [PathEntry]
    public let result: ClaimDecision
    /// This process's reckoning of an admitted claim's lease (nil unless admitted),
    /// for the keeper that renews it (`Registry.renew`).
    public let lease: HolderLease?
}
