#if canImport(Glibc)
import Glibc
#endif
import WirEngine
import WirHost

/// Where a registry file is made: its directories and the file itself, with
/// the modes that keep it private to its user or shared with a group.
enum SQLiteRegistryFile {
    /// `WIR_REGISTRY_MODE`: unset or "private", or "group".
    static func groupModeFromEnvironment() throws -> Bool {
        switch Environment.value("WIR_REGISTRY_MODE") {
        case nil, "private": return false
        case "group": return true
        case let other?: throw WirError(.invalidArgument, "WIR_REGISTRY_MODE='\(other)' is not private or group")
        }
    }

    /// Creates missing parent directories (0700, or 2770 shared with the group)
    /// and the file (0600, or 0660), and checks that the path names a regular
    /// file. Returns the canonical path. Without `create`, a missing file is
    /// `.noRegistry` and nothing is made. A path that cannot be looked at (a
    /// directory on the way that this user may not search) says so, rather
    /// than that the file cannot be created.
    static func prepare(_ path: String, sharedWithGroup: Bool, create: Bool = true) throws -> String {
        let canonical = try PathResolver.canonicalize(path)
        var info = stat()
        if stat(canonical.value, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFREG else {
                throw WirError(.io, "registry '\(canonical.value)' is not a regular file (a directory?)")
            }
            return canonical.value
        }
        let missing = errno == ENOENT
        guard missing || errno == ENOTDIR else {
            throw WirError(.io, "cannot reach registry '\(canonical.value)': \(SystemFiles.describe(errno))"
                           + (errno == EACCES ? " (a directory on its way is not searchable by this user)" : ""))
        }
        guard create else {
            throw WirError(.noRegistry, "there is no registry at '\(canonical.value)' (nothing was ever claimed "
                           + "there); check --registry or $WIR_REGISTRY, or claim something first")
        }
        if !canonical.isRoot {
            try makeDirectories(canonical.selfAndAncestors.dropLast(), mode: sharedWithGroup ? 0o2770 : 0o700)
        }
        let mode: mode_t = sharedWithGroup ? 0o660 : 0o600
        let fd = open(canonical.value, O_RDWR | O_CREAT | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw WirError(.io, "cannot create registry '\(canonical.value)': \(SystemFiles.describe(errno))")
        }
        fchmod(fd, mode)                       // whatever the umask; SQLite gives -wal and -shm the same mode
        close(fd)
        return canonical.value
    }

    private static func makeDirectories(_ directories: ArraySlice<CanonicalPath>, mode: mode_t) throws {
        for directory in directories where !directory.isRoot {
            if mkdir(directory.value, mode) == 0 {
                chmod(directory.value, mode)   // mkdir masks with the umask and drops setgid
                continue
            }
            let failure = errno
            guard failure != EEXIST else { continue }
            // EACCES: no right to create it, or no right to look into a directory above it.
            let unreachable = failure == EACCES && access(directory.value, F_OK) != 0 && errno == EACCES
            throw WirError(.io, (unreachable ? "cannot reach directory '\(directory.value)' for the registry: "
                                 : "cannot create directory '\(directory.value)' for the registry: ")
                           + SystemFiles.describe(failure)
                           + (unreachable ? " (a directory on its way is not searchable by this user)" : ""))
        }
    }
}
