#if canImport(Glibc)
import Glibc
#endif
import WirEngine
import WirStorage

/// A registry file as `Registry` runs it: any location that is not a URL of
/// another kind, on this machine only.
extension SQLiteStore: RegistryBackend, RegistryBackendKind {
    public static func open(_ location: String, sharedWithGroup: Bool?, create: Bool) throws -> (any RegistryBackend)? {
        let shared = try sharedWithGroup ?? SQLiteRegistryFile.groupModeFromEnvironment()
        return try SQLiteStore(path: SQLiteRegistryFile.prepare(location, sharedWithGroup: shared, create: create))
    }

    public var registryPath: String { path }

    /// A file is shared by the processes of one machine: an owner from another
    /// boot of this host is from an earlier boot, so dead.
    public var sharedAcrossHosts: Bool { false }

    public func queueChannel() -> any QueueChannel { SQLiteQueueSignal(registryPath: path) }

    /// The file, its `-wal` and `-shm`, which exist while the registry is open
    /// (every connection keeps them when it closes: `SQLiteConnection`), and
    /// a `-journal` if one exists (WAL mode writes none), as they are: their
    /// names are fixed, so no right to create files beside them is needed.
    /// And the wake-up directory (made now if missing), where a confined
    /// waiter binds its socket (`SQLiteQueueSignal`).
    public var confinedGrants: [WriteGrant] {
        let files = [path, path + "-wal", path + "-shm"] + (access(path + "-journal", F_OK) == 0 ? [path + "-journal"] : [])
        let signal = SQLiteQueueSignal(registryPath: path)
        return files.map { WriteGrant(.existing, CanonicalPath(canonical: $0)) }
            + (signal.directoryFD >= 0 ? [WriteGrant(.tree, CanonicalPath(canonical: signal.directory))] : [])
    }
}
