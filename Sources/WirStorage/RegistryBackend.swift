import WirEngine

/// A store as a registry opens, runs and administers it: the engine's
/// transactions, plus everything that differs between kinds of registry. The
/// registry holds one and never asks which kind it is.
///
/// Implementations: `SQLiteStore` (a file on this machine) and `PostgresStore`
/// (a schema shared by several hosts). Like the stores, not thread-safe: the
/// registry serialises calls.
public protocol RegistryBackend: RegistryStore {
    /// How the registry names itself: a file's canonical path, or a URL as given.
    var registryPath: String { get }
    /// True when other machines reach this registry: an owner with this host's
    /// name but another boot id may be another machine (judged by its lease),
    /// not an earlier boot of this one (dead).
    var sharedAcrossHosts: Bool { get }
    /// The channel that wakes this registry's queued claims.
    func queueChannel() -> any QueueChannel
    /// Who the caller is, if it may end claims without their keys, for the
    /// history ("uid 0 (root), pid 4242 on box"); otherwise throws `.wrongKey`
    /// naming who may.
    func administrator() throws -> String
    /// The registry's health, for `wir doctor`.
    func diagnose() throws -> [Diagnostic]
    /// What a process confined to its claim must still be able to write to
    /// use this registry (`wir run --confine`): a file registry's file, its
    /// `-wal` and `-shm` (and a `-journal` if one exists) as they are, and its
    /// queue wake-up directory to bind and remove sockets in; nothing for a
    /// registry on a server. Reads no store state, so a fork child may ask.
    var confinedGrants: [WriteGrant] { get }
    /// Runs `body` with every round trip to the store over by `deadline` (or
    /// by the store's own limit, if sooner): a renewal that must be made before
    /// its lease ends. A store whose waits are bounded by its own short limit
    /// (a file's 5 s busy timeout) may just run `body`, as the default does.
    func bounded<T>(by deadline: Deadline, _ body: () throws -> T) throws -> T
    /// Closes what must not cross a `fork()` (SQLite's connection, whose
    /// in-process lock bookkeeping a child would inherit); the next call opens
    /// it again. Called with no transaction open.
    func suspend()
}

extension RegistryBackend {
    public func bounded<T>(by deadline: Deadline, _ body: () throws -> T) throws -> T { try body() }
}
