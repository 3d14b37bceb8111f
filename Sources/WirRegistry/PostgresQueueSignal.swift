import WirEngine
import WirPostgres

/// Queue wake-ups for a PostgreSQL registry: NOTIFY on the registry's channel
/// after a commit that freed something, and a LISTEN connection per wait.
/// Notifications reach waiters on every host; one that is missed (a listener
/// connecting late, a lost connection) is covered by the waiter's timed re-check.
///
/// `wake` uses the registry's store connection: the engine calls it under the
/// registry's lock, which serialises that connection. Listeners are made by the
/// waiting thread and used by it alone.
final class PostgresQueueSignal: QueueChannel, @unchecked Sendable {
    private let store: PostgresStore

    init(store: PostgresStore) { self.store = store }

    func wake(tickets: [Int64]) { store.notifyListeners() }

    func makeListener() throws -> any QueueListener {
        PostgresWaitListener(try PostgresListener(location: store.location))
    }
}

/// A LISTEN connection as a queue listener: one channel per registry, so the ticket changes nothing.
final class PostgresWaitListener: QueueListener {
    private let listener: PostgresListener

    init(_ listener: PostgresListener) { self.listener = listener }

    func listen(ticket: Int64) throws {}
    var descriptor: Int32 { listener.descriptor }
    func drain() -> Bool { listener.drain() }
}
