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
}
