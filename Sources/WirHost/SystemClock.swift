#if canImport(Glibc)
import Glibc
#endif
import WirEngine

/// The real-time clock, in milliseconds since the Unix epoch.
public struct SystemClock: Clock {
    public init() {}

    public func nowMs() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
