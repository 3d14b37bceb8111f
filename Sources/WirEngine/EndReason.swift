/// Why a claim stopped being held.
public enum EndReason: String, Sendable, CaseIterable {
    case completed, failed, cancelled, expired
    case ownerDead = "owner-dead"
    case forced
    /// The claim it was made under ended.
    case parentEnded = "parent-ended"

    /// The reason a release with `outcome` records.
    public init(_ outcome: ReleaseOutcome) {
        switch outcome {
        case .completed: self = .completed
        case .failed: self = .failed
        case .cancelled: self = .cancelled
        }
    }
}
