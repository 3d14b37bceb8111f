#if canImport(Glibc)
import Glibc
#endif
import WirEngine
import WirStorage

/// A registry file as `Registry` runs it: any location that is not a URL of
/// another kind, on this machine only.
extension SQLiteStore: RegistryBackend, RegistryBackendKind {
    public static func open(_ location: String, sharedWithGroup: Bool?) throws -> (any RegistryBackend)? {
        let shared = try sharedWithGroup ?? SQLiteRegistryFile.groupModeFromEnvironment()
        return try SQLiteStore(path: SQLiteRegistryFile.prepare(location, sharedWithGroup: shared))
    }

    public var registryPath: String { path }

    /// A file is shared by the processes of one machine: an owner from another
    /// boot of this host is from an earlier boot, so dead.
    public var sharedAcrossHosts: Bool { false }

    public func queueChannel() -> any QueueChannel { SQLiteQueueSignal(registryPath: path) }

    /// The file, its `-wal` and `-shm`, which exist while the registry is open
    /// (every connection keeps them when it closes: `SQLiteConnection`), and
    /// a `-journal` if one exists (WAL mode writes none). Nothing else in the
    /// directory: their names are fixed, so no right to create files is needed.
    public var confinedFiles: [String] {
        [path, path + "-wal", path + "-shm"] + (access(path + "-journal", F_OK) == 0 ? [path + "-journal"] : [])
    }
}
