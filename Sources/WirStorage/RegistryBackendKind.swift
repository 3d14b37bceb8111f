/// A kind of registry, as `Registry` picks one: the first kind that
/// recognises a location opens it.
public protocol RegistryBackendKind {
    /// Opens the registry at `location`, or returns nil when the location is
    /// not of this kind. `sharedWithGroup`: a new file registry is shared with
    /// its directory's group (nil: `WIR_REGISTRY_MODE`); other kinds ignore it.
    static func open(_ location: String, sharedWithGroup: Bool?) throws -> (any RegistryBackend)?
}
