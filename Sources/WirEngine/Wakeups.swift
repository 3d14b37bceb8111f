/// Told which waiters to wake after a transaction freed something. The
/// engine calls it after the commit; implementations must be thread-safe.
public protocol Wakeups: Sendable {
    func wake(tickets: [Int64])
}
