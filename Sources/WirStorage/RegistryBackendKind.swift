/// A kind of registry, as `Registry` picks one: the first kind that
/// recognises a location opens it.
public protocol RegistryBackendKind {
    /// Opens the registry at `location`, or returns nil when the location is
    /// not of this kind. `sharedWithGroup`: a new file registry is shared with
    /// its directory's group (nil: `WIR_REGISTRY_MODE`); other kinds ignore it.
    /// Without `create`, a registry that does not exist yet is not made:
    /// `.noRegistry` says so (a read-only command must not leave one behind).
    static func open(_ location: String, sharedWithGroup: Bool?, create: Bool) throws -> (any RegistryBackend)?
}
