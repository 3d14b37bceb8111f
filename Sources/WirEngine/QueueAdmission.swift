/// A claim that a transaction admitted on a waiter's behalf, as the waiter
/// reads it: the claim with its entries, and how much of its lease was left
/// when read (by the registry's clock), since the lease started at the
/// admission, not at the read.
public struct QueueAdmission: Sendable, Equatable {
    public var record: ClaimRecord
    public var entries: [PathEntry]
    public var remainingMs: Int64

    public init(record: ClaimRecord, entries: [PathEntry], remainingMs: Int64) {
        self.record = record
        self.entries = entries
        self.remainingMs = remainingMs
    }
}
