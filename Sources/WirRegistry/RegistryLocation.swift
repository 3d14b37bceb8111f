#if canImport(Glibc)
import Glibc
#endif
import WirEngine
import WirHost

/// Where a registry is when the caller names none.
public enum RegistryLocation {
    /// `$WIR_REGISTRY`, else `$XDG_STATE_HOME/wir/registry.db`, else
    /// `~/.local/state/wir/registry.db` (home from `$HOME`, else the password file).
    public static func defaultPath() throws -> String {
        if let explicit = Environment.value("WIR_REGISTRY") { return explicit }
        if let state = Environment.value("XDG_STATE_HOME"), state.hasPrefix("/") {
            return state + "/wir/registry.db"
        }
        guard let home = Environment.value("HOME") ?? passwordHome() else {
            throw WirError(.io, "cannot find a home directory for the default registry; set WIR_REGISTRY")
        }
        return home + "/.local/state/wir/registry.db"
    }

    private static func passwordHome() -> String? {
        guard let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir else { return nil }
        return String(cString: dir)
    }
}
