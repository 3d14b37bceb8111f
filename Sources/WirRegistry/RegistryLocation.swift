#if canImport(Glibc)
import Glibc
#endif
import WirEngine

/// Where a registry file lives, and making sure it can be opened there.
public enum RegistryLocation {
    /// `$WIR_REGISTRY`, else `$XDG_STATE_HOME/wir/registry.db`, else
    /// `~/.local/state/wir/registry.db` (home from `$HOME`, else the password file).
    public static func defaultPath() throws -> String {
        if let explicit = environment("WIR_REGISTRY") { return explicit }
        if let state = environment("XDG_STATE_HOME"), state.hasPrefix("/") {
            return state + "/wir/registry.db"
        }
        guard let home = environment("HOME") ?? passwordHome() else {
            throw WirError(.io, "cannot find a home directory for the default registry; set WIR_REGISTRY")
        }
        return home + "/.local/state/wir/registry.db"
    }

    /// Creates missing parent directories (0700) and the file (0600), and
    /// checks that the path names a regular file. Returns the canonical path.
    public static func prepare(_ path: String) throws -> String {
        let canonical = try PathResolver.canonicalize(path)
        if !canonical.isRoot {
            try makeDirectories(canonical.selfAndAncestors.dropLast())
        }
        var info = stat()
        if stat(canonical.value, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFREG else {
                throw WirError(.io, "registry '\(canonical.value)' is not a regular file (a directory?)")
            }
            return canonical.value
        }
        let fd = open(canonical.value, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw WirError(.io, "cannot create registry '\(canonical.value)': \(SystemFiles.describe(errno))")
        }
        close(fd)
        return canonical.value
    }

    private static func makeDirectories(_ directories: ArraySlice<CanonicalPath>) throws {
        for directory in directories where !directory.isRoot {
            if mkdir(directory.value, 0o700) != 0 && errno != EEXIST {
                throw WirError(.io, "cannot create directory '\(directory.value)' for the registry: "
                               + SystemFiles.describe(errno))
            }
        }
    }

    static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }

    private static func passwordHome() -> String? {
        guard let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir else { return nil }
        return String(cString: dir)
    }
}
