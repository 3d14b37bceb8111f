#if canImport(Glibc)
import Glibc
#endif

/// A mutual-exclusion lock over a pthread mutex.
public final class Lock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    public init() { pthread_mutex_init(mutex, nil) }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Takes the lock; pair with `unlock` (prefer `withLock`).
    public func lock() { pthread_mutex_lock(mutex) }

    public func unlock() { pthread_mutex_unlock(mutex) }

    public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Takes the lock, waiting at most `ms` milliseconds; runs `body` and
    /// returns its result, or nil without running it if the wait ran out.
    /// (The wait is timed by the wall clock, as pthread_mutex_timedlock
    /// times it: a clock step while waiting lengthens or shortens it.)
    public func withLock<T>(waitingAtMost ms: Int64, _ body: () throws -> T) rethrows -> T? {
        var until = timespec()
        clock_gettime(CLOCK_REALTIME, &until)
        let wait = max(0, ms)
        let nanoseconds = Int64(until.tv_nsec) + (wait % 1000) * 1_000_000
        until.tv_sec += Int(wait / 1000 + nanoseconds / 1_000_000_000)
        until.tv_nsec = Int(nanoseconds % 1_000_000_000)
        guard pthread_mutex_timedlock(mutex, &until) == 0 else { return nil }
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
