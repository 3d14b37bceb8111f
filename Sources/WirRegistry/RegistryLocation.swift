#if canImport(Glibc)
import Glibc
#endif
import WirEngine
import WirHost
import WirPostgres

/// Where a registry is: the default when the caller names none, and the one
/// check of every location before a kind of registry opens it, so that C,
/// Python and the CLI refuse the same strings with the same message.
public enum RegistryLocation {
    /// `$WIR_REGISTRY`, else `$XDG_STATE_HOME/wir/registry.db`, else
    /// `~/.local/state/wir/registry.db` (home from `$HOME`, else the password file).
    /// `$WIR_REGISTRY` is checked (`checked(_:fromEnvironment:)`): it must be
    /// a PostgreSQL URL or an absolute path.
    public static func defaultPath() throws -> String {
        if let explicit = Environment.value("WIR_REGISTRY") {
            return try checked(explicit, fromEnvironment: "WIR_REGISTRY")
        }
        if let state = Environment.value("XDG_STATE_HOME"), state.hasPrefix("/") {
            return state + "/wir/registry.db"
        }
        guard let home = Environment.value("HOME") ?? passwordHome() else {
            throw WirError(.io, "cannot find a home directory for the default registry; set WIR_REGISTRY")
        }
        return home + "/.local/state/wir/registry.db"
    }

    /// Refuses (`.invalidArgument`) a string that is not a registry, naming
    /// what it looks like and what was meant:
    /// - a URL of a scheme no kind of registry opens (`postgressql://...`,
    ///   `sqlite:///x`): it would otherwise become a file path;
    /// - a libpq keyword/value string (`host=db password=...`): it would
    ///   otherwise create a file named after its password;
    /// - from the environment (`variable`), a relative path: each working
    ///   directory would get a registry of its own, and two overlapping
    ///   claims made from two directories would both be admitted.
    /// Passwords never appear in the messages. Returns `location` unchanged.
    public static func checked(_ location: String, fromEnvironment variable: String? = nil) throws -> String {
        let shown = PostgresSecrets.redacted(location)
        if PostgresLocation.matches(location) { return location }
        if let scheme = URLScheme.of(location) {
            let hint = scheme.lowercased().hasPrefix("p") ? " (did you mean postgresql://?)" : ""
            throw WirError(.invalidArgument, "registry '\(shown)' is a URL of scheme '\(scheme)', which wir does not open"
                           + "\(hint): a registry is a file path, or a postgresql:// or postgres:// URL")
        }
        if PostgresLocation.isKeywordString(location) {
            throw WirError(.invalidArgument, "registry '\(shown)' is a libpq keyword/value connection string; a "
                           + "PostgreSQL registry is named by a URL (postgresql://USER@HOST/DATABASE?wir_schema=NAME, "
                           + "password in PGPASSWORD or PGPASSFILE); for a file of that name, start the path with ./")
        }
        if let variable, !location.hasPrefix("/") {
            let absolute = (currentDirectory() ?? "/WORKING/DIRECTORY") + "/" + location
            throw WirError(.invalidArgument, "\(variable)='\(shown)' is a relative path: every working directory "
                           + "would have a registry of its own; give an absolute path (such as '\(absolute)')")
        }
        return location
    }

    private static func currentDirectory() -> String? {
        var buffer = [CChar](repeating: 0, count: 4097)
        guard getcwd(&buffer, buffer.count) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func passwordHome() -> String? {
        guard let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir else { return nil }
        return String(cString: dir)
    }
}
