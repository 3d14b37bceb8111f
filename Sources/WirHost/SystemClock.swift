#if canImport(Glibc)
import Glibc
#endif
import WirEngine

/// The real-time clock, in milliseconds since the Unix epoch, and the boot clock. Thread-safe.
public struct SystemClock: Clock {
    public init() {}

    public func nowMs() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    /// CLOCK_BOOTTIME (it counts suspended time too, as leases must) and this boot's id.
    public func bootTime() -> BootTime? {
        var now = timespec()
        guard clock_gettime(CLOCK_BOOTTIME, &now) == 0 else { return nil }
        return BootTime(bootID: ProcessIdentity.bootID, ms: Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000)
    }
}
