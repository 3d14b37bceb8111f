/// Something a queued claim waits for: a holder (whose death or lapse frees
/// it) or a waiter ahead of it.
public struct Blocker: Sendable, Equatable {
    public var owner: Owner
    /// How long after the deciding transaction it stops blocking without
    /// anyone's action: until the holder's lease end plus grace, or a waiter's
    /// lease end. Relative, so the waiter needs no clock of its own (a
    /// PostgreSQL registry goes by the server's).
    public var lapsesInMs: Int64

    public init(owner: Owner, lapsesInMs: Int64) {
        self.owner = owner
        self.lapsesInMs = lapsesInMs
    }
}
