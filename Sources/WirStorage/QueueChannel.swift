import WirEngine

/// How one kind of registry wakes its queued claims: the engine's `Wakeups`
/// (told after a commit that freed something), and a listener for each wait.
/// Each store implements it (`SQLiteQueueSignal`, `PostgresQueueSignal`);
/// implementations must be thread-safe.
public protocol QueueChannel: Wakeups {
    /// A new listener for one queued claim (its own socket or connection).
    func makeListener() throws -> any QueueListener
}
