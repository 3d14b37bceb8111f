/// One overlapping pair: an entry a claim asked for and an entry another task
/// holds (or, under the queue policy, waits for ahead of it).
public struct Conflict: Sendable, Equatable {
    public var requested: PathEntry
    public var held: PathEntry
    public var holderTaskID: String
    public var holderHost: String
    public var holderPID: Int32
    /// When the holder's lease lapses (for a waiter ahead: 0).
    public var holderExpiresMs: Int64
    /// True when the other task is not holding but waiting ahead in the queue.
    public var holderIsWaiting: Bool
    /// True when the holder's claim lasts while its owners live (no lease of its own).
    public var holderWhileAlive = false

    public init(requested: PathEntry, held: PathEntry, holder: ClaimRecord) {
        self.init(requested: requested, held: held, holderTaskID: holder.taskID, holderHost: holder.owner.host,
                  holderPID: holder.owner.pid, holderExpiresMs: holder.expiresMs, holderIsWaiting: false)
        holderWhileAlive = holder.isWhileAlive
    }

    public init(requested: PathEntry, held: PathEntry, waiter: Waiter) {
        self.init(requested: requested, held: held, holderTaskID: waiter.taskID, holderHost: waiter.owner.host,
                  holderPID: waiter.owner.pid, holderExpiresMs: 0, holderIsWaiting: true)
    }

    /// A pair as read back from the conflict log.
    public init(requested: PathEntry, held: PathEntry, holderTaskID: String, holderHost: String,
                holderPID: Int32, holderExpiresMs: Int64, holderIsWaiting: Bool) {
        self.requested = requested
        self.held = held
        self.holderTaskID = holderTaskID
        self.holderHost = holderHost
        self.holderPID = holderPID
        self.holderExpiresMs = holderExpiresMs
        self.holderIsWaiting = holderIsWaiting
    }

    public var requestedPath: String { requested.text }
    public var heldPath: String { held.text }
}
