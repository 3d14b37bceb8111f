import WirEngine
import WirStorage

/// A PostgreSQL schema as `Registry` runs it: a `postgresql://` or
/// `postgres://` URL, reached from several hosts, leases by the server's clock.
extension PostgresStore: RegistryBackend, RegistryBackendKind {
    public static func open(_ location: String, sharedWithGroup: Bool?, create: Bool) throws -> (any RegistryBackend)? {
        guard PostgresLocation.matches(location) else { return nil }
        return try PostgresStore(location: PostgresLocation(location), serverClock: true, create: create)
    }

    /// The URL as given (`wir_schema` included): enough to open the same registry again.
    public var registryPath: String { location.url }

    /// Other machines reach the server too: an owner with this host's name but
    /// another boot id may be a cloned VM or a CI runner, judged by its lease.
    public var sharedAcrossHosts: Bool { true }

    /// Nothing on disk: a confined process reaches the server over the network.
    public var confinedGrants: [WriteGrant] { [] }

    /// Every round trip ends by `deadline`, or by the connection's own (`PostgresTimeout`) if sooner.
    public func bounded<T>(by deadline: Deadline, _ body: () throws -> T) throws -> T {
        try connection.bounded(by: deadline, body)
    }

    public func queueChannel() -> any QueueChannel { PostgresQueueSignal(store: self) }

    /// Nothing to close: a child never uses the parent's connection (its
    /// handles are refused) and never closes it (`PostgresConnection`).
    public func suspend() {}
}
