#if canImport(Glibc)
import Glibc
#endif

/// A flag one thread sets and another sleeps on: `sleep(ms:)` returns early
/// once `stop()` was called. A pthread mutex and condition variable timed by
/// the monotonic clock (a clock step does not lengthen or shorten a sleep).
/// Thread-safe.
final class StopSignal: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var stopped = false

    init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` under the signal's lock (for state kept beside the flag).
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Sleeps `ms` milliseconds unless stopped first; true when stopped.
    func sleep(ms: Int64) -> Bool {
        var until = timespec()
        clock_gettime(CLOCK_MONOTONIC, &until)
        let nanoseconds = Int64(until.tv_nsec) + (max(0, ms) % 1000) * 1_000_000
        until.tv_sec += Int(max(0, ms) / 1000 + nanoseconds / 1_000_000_000)
        until.tv_nsec = Int(nanoseconds % 1_000_000_000)
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while !stopped && pthread_cond_timedwait(condition, mutex, &until) != ETIMEDOUT {}
        return stopped
    }

    /// Wakes the sleeper; every later `sleep` returns at once.
    func stop() {
        pthread_mutex_lock(mutex)
        stopped = true
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
    }
}
