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
    /// The claim it waits to be made under ("" for none): it never waits for
    /// that claim or the claims above it.
    public var parentTaskID: String
    /// When its timeout ends, in the registry's time (0: it waits for ever):
    /// from then on it is gone, never admitted on its behalf.
    public var deadlineMs: Int64
    /// How to admit it on its behalf; nil for a row that cannot be (written
    /// before the queue handed claims on): it is woken to look for itself.
    public var terms: WaiterTerms?

    public init(ticket: Int64, taskID: String, owner: Owner, entries: [PathEntry], enqueuedMs: Int64, expiresMs: Int64,
                parentTaskID: String = "", deadlineMs: Int64 = 0, terms: WaiterTerms? = nil) {
        self.ticket = ticket
        self.taskID = taskID
        self.owner = owner
        self.entries = entries
        self.enqueuedMs = enqueuedMs
        self.expiresMs = expiresMs
        self.parentTaskID = parentTaskID
        self.deadlineMs = deadlineMs
        self.terms = terms
    }
}
