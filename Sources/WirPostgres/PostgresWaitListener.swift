import WirStorage

/// A LISTEN connection as a queue listener: one channel per registry, so the
/// ticket changes nothing. Returns its connection to the pool when the wait ends.
final class PostgresWaitListener: QueueListener {
    private let listener: PostgresListener
    private let pool: PostgresQueueSignal

    init(_ listener: PostgresListener, pool: PostgresQueueSignal) {
        self.listener = listener
        self.pool = pool
    }

    deinit { pool.giveBack(listener) }

    func listen(ticket: Int64) throws {}
    var descriptor: Int32 { listener.descriptor }
    func drain() -> Bool { listener.drain() }
}
