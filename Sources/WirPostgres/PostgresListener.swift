import WirEngine

/// A connection of its own that LISTENs on a registry's wake-up channel, for
/// one queued claim's wait. Notifications are delivered when the notifying
/// transaction commits, and only to sessions listening by then: a waiter
/// LISTENs first, then looks at the registry again.
///
/// Not thread-safe: used by the one thread that waits. Never used in a fork child.
public final class PostgresListener {
    private let connection: PostgresConnection

    /// The channel of a registry's schema. Channel names are limited to 63
    /// bytes: a long schema name is cut, and schemas sharing the first 57 bytes
    /// share a channel (their waiters only look again more often).
    public static func channel(for schema: PostgresIdentifier) -> String {
        "wir_q_" + String(schema.name.utf8.prefix(57))!
    }

    private let channel: String

    /// Connects and starts listening; throws `.io` if the server cannot be reached.
    public init(location: PostgresLocation) throws {
        connection = try PostgresConnection(location: location, purpose: "listen")
        channel = Self.channel(for: location.schema)
        try listen()
    }

    /// Starts listening (again, after `pause`).
    public func listen() throws {
        // The channel is built from a validated schema name, quoted: LISTEN takes no parameters.
        try connection.execute("LISTEN \"\(channel)\"")
    }

    /// Stops listening while the connection waits in a pool, so that
    /// notifications do not pile up unread in it (and in the server's queue);
    /// false if the connection is no longer usable.
    public func pause() -> Bool {
        guard (try? connection.execute("UNLISTEN *")) != nil else { return false }
        drain()
        return !connection.isBroken
    }

    /// The descriptor that polls readable when a notification arrives; -1 once
    /// the connection is lost (the waiter then looks again on its timer only).
    public var descriptor: Int32 { connection.isBroken ? -1 : connection.socket }

    /// Reads whatever arrived; true if at least one notification was waiting.
    @discardableResult
    public func drain() -> Bool {
        guard !connection.isBroken, let payloads = connection.notifications() else { return false }
        return !payloads.isEmpty
    }
}
