/// Something a queued claim waits for: a holder (whose owners' death or
/// lease lapse frees it) or a waiter ahead of it.
public struct Blocker: Sendable, Equatable {
    /// Whose death would free it: a holder's owners, or a waiter's process.
    public var owners: [Owner]
    /// How long after the deciding transaction it stops blocking without
    /// anyone's action: until the holder's lease end plus grace, or a waiter's
    /// lease end (`Int64.max` for a claim held while its owners live).
    /// Relative, so the waiter needs no clock of its own (a PostgreSQL
    /// registry goes by the server's).
    public var lapsesInMs: Int64

    public init(owners: [Owner], lapsesInMs: Int64) {
        self.owners = owners
        self.lapsesInMs = lapsesInMs
    }
}
