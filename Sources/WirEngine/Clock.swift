/// A source of time: the wall clock in milliseconds since the Unix epoch
/// (leases shown, compared across hosts), and, where it has one, this
/// machine's boot clock, which a wall-clock step (an NTP step, a VM resume
/// with a wrong clock) does not move. Implementations must be thread-safe.
public protocol Clock: Sendable {
    func nowMs() -> Int64
    /// The boot clock (CLOCK_BOOTTIME) and the boot it counts from; nil when
    /// this clock has none (then leases go by the wall clock alone).
    func bootTime() -> BootTime?
}

extension Clock {
    public func bootTime() -> BootTime? { nil }
}
