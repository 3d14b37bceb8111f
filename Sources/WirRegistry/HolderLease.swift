import WirEngine

/// What a holder knows of its claim's lease by its own clock: when the lease
/// ends at the earliest. That is counted from when the last renewal that
/// succeeded (or the admission) was *sent*, since the registry set the lease no
/// earlier, on the boot clock (CLOCK_BOOTTIME ms, which counts suspended time
/// as a lease on a server does). The registry's clock is never needed.
///
/// A renewal must be over by `renewBy`, a margin before that end: a holder
/// that could not renew by then must count the claim lost and stop writing,
/// because others may be admitted once the lease (and the registry's grace) is
/// over. The margin is a tenth of the lease, at least half a second (twice the
/// quarter second at which keepers look), at most a third of the lease.
///
/// A plain value: thread-safe to read; its owner serialises changes.
public struct HolderLease: Sendable, Equatable {
    /// When the lease ends at the earliest (boot-clock ms); nil when no lease
    /// can end the claim while an owner lives (held while alive, on a registry
    /// of one host), or when the lease is not known (an attached claim, until
    /// its first renewal here).
    public private(set) var endsMs: Int64?
    /// The length of the lease last granted, in ms.
    public private(set) var leaseMs: Int64

    /// Nothing known: no deadline, never counted lost by time.
    public static let unknown = HolderLease(endsMs: nil, leaseMs: 0)

    private init(endsMs: Int64?, leaseMs: Int64) {
        self.endsMs = endsMs
        self.leaseMs = leaseMs
    }

    /// The lease of `record` as granted by a renewal or admission sent at
    /// `sentAtMs`: `ttlMs` long if the renewal named one, else the claim's own.
    /// A claim held while alive lapses only for other hosts, so only on a
    /// registry `sharedAcrossHosts`.
    init(_ record: ClaimRecord, sentAtMs: Int64, ttlMs: Int64?, sharedAcrossHosts: Bool) {
        leaseMs = ttlMs ?? record.renewalLeaseMs
        endsMs = record.isWhileAlive && !sharedAcrossHosts ? nil : sentAtMs + leaseMs
    }

    /// The lease of `record`, admitted on a waiter's behalf before the waiter
    /// read it in a transaction sent at `sentAtMs`, which found `remainingMs`
    /// of it left: the lease started at the admission, so it ends no earlier
    /// than that much after the read was sent.
    init(_ record: ClaimRecord, sentAtMs: Int64, remainingMs: Int64, sharedAcrossHosts: Bool) {
        leaseMs = record.renewalLeaseMs
        endsMs = record.isWhileAlive && !sharedAcrossHosts ? nil : sentAtMs + min(remainingMs, leaseMs)
    }

    /// The last moment a renewal may finish (boot-clock ms); nil without a known lease.
    public var renewBy: Int64? { endsMs.map { $0 - Self.marginMs(leaseMs) } }

    /// True from `renewBy` on: by this holder's reckoning the lease can no
    /// longer be renewed in time, so a renewal that fails then finds the claim lost.
    public func isOver(atMs now: Int64) -> Bool { renewBy.map { now >= $0 } ?? false }

    static func marginMs(_ leaseMs: Int64) -> Int64 { min(max(leaseMs / 10, 500), leaseMs / 3) }
}
