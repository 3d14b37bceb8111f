import Synchronization
import WirHost

/// How many round trips this process's PostgreSQL connections have made
/// (each statement sent alone, or each pipeline of statements, is one; opening
/// a connection is not counted), and how long its write transactions held the
/// registry's lock as seen from here (from the answer that says it was taken to
/// COMMIT's answer): the benchmark's counts and the bound on writers' scaling.
/// Thread-safe.
public enum PostgresRoundTrips {
    private static let total = Atomic<Int>(0)
    private static let writes = Atomic<Int>(0)
    private static let heldNs = Atomic<Int>(0)

    /// The round trips made so far by every connection of the process.
    public static var count: Int { total.load(ordering: .relaxed) }
    /// Write transactions committed so far, and the nanoseconds they held the lock in all.
    public static var lockHolds: (transactions: Int, ns: Int) {
        (writes.load(ordering: .relaxed), heldNs.load(ordering: .relaxed))
    }

    static func add() { total.add(1, ordering: .relaxed) }

    static func held(sinceNs start: UInt64) {
        writes.add(1, ordering: .relaxed)
        heldNs.add(Int(MonotonicClock.nowNs() &- start), ordering: .relaxed)
    }
}
