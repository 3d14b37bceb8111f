#if canImport(Glibc)
import Glibc
#endif
import WirHost

/// How a connection waits for another process's lock: short sleeps that grow
/// from 250–500 µs to 2.5–5 ms (a random point in the upper half of a ceiling
/// that doubles from 0.5 ms to at most 5 ms), until the timeout.
///
/// SQLite's own busy timeout sleeps 1, 2, 5 … 100 ms in a fixed schedule. A
/// process that lost the lock a few times then sleeps for 100 ms while others
/// take it many times over, and processes that collided once collide again.
/// Short jittered sleeps keep a waiter's delay near the lock holder's
/// transaction time (about 0.1 ms).
///
/// Not thread-safe: used by one connection, whose owner serialises calls.
final class BusyWait {
    private let timeoutNs: UInt64
    private var startedNs: UInt64 = 0
    private var random = SystemRandomNumberGenerator()

    init(timeoutMs: Int32) {
        timeoutNs = UInt64(max(0, timeoutMs)) * 1_000_000
    }

    /// Called by SQLite with the number of times it already called for this
    /// lock: sleeps and returns true to try again, or false to give up (SQLITE_BUSY).
    func retry(count: Int32) -> Bool {
        let now = MonotonicClock.nowNs()
        if count == 0 { startedNs = now }
        guard now - startedNs < timeoutNs else { return false }
        let ceiling = UInt64(min(5000, 500 << min(Int(count), 4)))         // µs: 500, 1000, 2000, 4000, 5000
        let pause = ceiling / 2 + UInt64.random(in: 0...(ceiling / 2), using: &random)
        usleep(UInt32(min(pause, (timeoutNs - (now - startedNs)) / 1000 + 1)))
        return true
    }
}
