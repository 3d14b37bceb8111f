import WirEngine
import WirHost
import WirStorage

/// Queue wake-ups for a PostgreSQL registry: NOTIFY on the registry's channel
/// after a commit that freed something, and a LISTEN connection per wait.
/// Notifications reach waiters on every host; one that is missed (a listener
/// connecting late, a lost connection) is covered by the waiter's timed re-check.
///
/// A wait's connection goes back to a small pool when the wait ends (having
/// stopped listening, so nothing piles up unread), and the next wait of this
/// handle takes it and listens again: opening a connection costs a server
/// process, several milliseconds, which would otherwise bound how fast a queue
/// can hand a path on.
///
/// `wake` uses the registry's store connection: the engine calls it under the
/// registry's lock, which serialises that connection. The pool is guarded by
/// its own lock; a listener is used by one waiting thread at a time.
final class PostgresQueueSignal: QueueChannel, @unchecked Sendable {
    private let store: PostgresStore
    private let poolLock = Lock()
    private var idle: [PostgresListener] = []
    /// Idle listeners kept beyond this are closed (a handle rarely waits on more threads at once).
    private static let poolSize = 4

    init(store: PostgresStore) { self.store = store }

    func wake(tickets: [Int64]) { store.notifyListeners() }

    func makeListener() throws -> any QueueListener {
        while let pooled = poolLock.withLock({ idle.popLast() }) {
            if (try? pooled.listen()) != nil {     // a connection that died in the pool is dropped
                return PostgresWaitListener(pooled, pool: self)
            }
        }
        return PostgresWaitListener(try PostgresListener(location: store.location), pool: self)
    }

    func giveBack(_ listener: PostgresListener) {
        guard poolLock.withLock({ idle.count < Self.poolSize }), listener.pause() else { return }
        poolLock.withLock { if idle.count < Self.poolSize { idle.append(listener) } }
    }
}
