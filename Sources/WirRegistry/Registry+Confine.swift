import WirEngine
import WirHost

/// Confined runs: a task that may write only where its claim allows (Linux
/// Landlock; docs/concepts.md, "Confined runs").
extension Registry {
    /// Whether `wir run` confines its command: `requested` (`--confine`) if
    /// given, else `WIR_CONFINE` (`1` or `strict`, `best-effort`, `0` or
    /// `off`), else the registry's `confine` setting (off unless set).
    public func confineMode(requested: ConfineMode?) throws -> ConfineMode {
        if let requested { return requested }
        if let text = Environment.value("WIR_CONFINE") {
            do {
                return try ConfineMode(named: text)
            } catch {
                throw WirError(.invalidArgument, "WIR_CONFINE='\(text)' is not 1, 0, strict, best-effort or off")
            }
        }
        return try settings().confine
    }

    /// The ruleset that lets a task write its write `entries` and
    /// `allowWrites`, and use this registry (`RegistryBackend.confinedGrants`).
    /// Reads no store state, so a fork child may call it on a registry opened
    /// before the fork. Throws as `Confinement.init` does.
    public func confinement(entries: [PathEntry], allowWrites: [CanonicalPath], mode: ConfineMode) throws
        -> Confinement {
        try Confinement(entries: entries, allowWrites: allowWrites, registryGrants: store.confinedGrants,
                        mode: mode)
    }
}
