#if canImport(Glibc)
import Glibc
#endif

/// Time that only moves forward, for deadlines and intervals within one process.
public enum MonotonicClock {
    /// Nanoseconds on CLOCK_MONOTONIC.
    public static func nowNs() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    /// Milliseconds on CLOCK_MONOTONIC.
    public static func nowMs() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    /// Milliseconds on CLOCK_BOOTTIME: like `nowMs`, but counting the time the
    /// machine spent suspended, as a lease on a server does. Deadlines and a
    /// holder's reckoning of its lease use it.
    public static func bootMs() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_BOOTTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
