import WirEngine

/// How a claim was decided, once decided: a queued claim is waited for until
/// it is admitted, times out, or is cancelled (which throws `.cancelled`).
public enum ClaimDecision: Sendable, Equatable {
    /// Admitted: the claim as now held with all its entries; under the warn
    /// policy, the overlaps it was admitted despite.
    case admitted(ClaimRecord, entries: [PathEntry], warnings: ConflictReport)
    /// Refused: nothing was claimed; the overlapping pairs (`ConflictReport`).
    case refused(ConflictReport)
    /// Queue policy, and the timeout ran out: nothing was claimed; what still blocked it.
    case timedOut(ConflictReport)
}
