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

    public init(ticket: Int64, taskID: String, owner: Owner, entries: [PathEntry], enqueuedMs: Int64, expiresMs: Int64,
                parentTaskID: String = "") {
        self.ticket = ticket
        self.taskID = taskID
        self.owner = owner
        self.entries = entries
        self.enqueuedMs = enqueuedMs
        self.expiresMs = expiresMs
        self.parentTaskID = parentTaskID
    }
}
