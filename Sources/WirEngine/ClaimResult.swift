/// The engine's answer to a claim.
public enum ClaimResult: Sendable, Equatable {
    /// Admitted: the claim as now held with all its entries; under the warn
    /// policy, the overlaps it was admitted despite.
    case admitted(ClaimRecord, entries: [PathEntry], warnings: ConflictReport)
    /// Refused: nothing was claimed; the overlapping pairs (`ConflictReport`).
    case refused(ConflictReport)
    /// Queued: nothing is held; the request waits under `ticket` for `blockers`.
    case queued(ticket: Int64, conflicts: ConflictReport, blockers: [Blocker])
    /// Queue policy with no time left to wait: nothing was claimed.
    case timedOut(ConflictReport)
    /// Queued earlier, and admitted since by a transaction that freed its way
    /// (`Engine+QueueAdmission`): the claim made on its behalf.
    case admittedInQueue(QueueAdmission)
}
