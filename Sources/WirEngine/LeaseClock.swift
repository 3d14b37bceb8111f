/// The time one transaction judges leases by. A lease is kept twice: as wall
/// time (shown, and judged by other hosts or after a reboot) and as boot time
/// with the boot it was written in. A judge of the same boot goes by the boot
/// time, which a wall-clock step does not move: a claimant whose clock jumped
/// an hour ahead neither reaps a live claim nor extends one by that hour. A
/// store that keeps time for every client (PostgreSQL's server clock) leaves
/// `boot` nil. A plain value: thread-safe.
public struct LeaseClock: Sendable, Equatable {
    /// Wall (or server) time, ms since the Unix epoch.
    public let nowMs: Int64
    public let boot: BootTime?

    public init(nowMs: Int64, boot: BootTime?) {
        self.nowMs = nowMs
        self.boot = boot
    }

    /// How long until `claim`'s lease lapses; zero or less once it has.
    public func remaining(_ claim: ClaimRecord) -> Int64 {
        if let boot, claim.expiresBootMs > 0, claim.leaseBootID == boot.bootID {
            return claim.expiresBootMs - boot.ms
        }
        return claim.expiresMs - nowMs
    }

    /// How far the two clocks may disagree, in ms, before listings say so: they
    /// are read a moment apart and rounded to ms, which makes a few ms of noise.
    public static let stepToleranceMs: Int64 = 1000

    public func isExpired(_ claim: ClaimRecord) -> Bool { remaining(claim) <= 0 }

    /// Sets `claim`'s lease to lapse `leaseMs` from now, on both clocks.
    public func renew(_ claim: inout ClaimRecord, leaseMs: Int64) {
        claim.expiresMs = nowMs + leaseMs
        claim.expiresBootMs = boot.map { $0.ms + leaseMs } ?? 0
        claim.leaseBootID = boot?.bootID ?? ""
    }
}
