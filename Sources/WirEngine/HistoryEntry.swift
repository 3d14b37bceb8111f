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
