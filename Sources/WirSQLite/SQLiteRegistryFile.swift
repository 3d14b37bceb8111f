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
    /// file. Returns the canonical path.
    static func prepare(_ path: String, sharedWithGroup: Bool) throws -> String {
        let canonical = try PathResolver.canonicalize(path)
        if !canonical.isRoot {
            try makeDirectories(canonical.selfAndAncestors.dropLast(), mode: sharedWithGroup ? 0o2770 : 0o700)
        }
        var info = stat()
        if stat(canonical.value, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFREG else {
                throw WirError(.io, "registry '\(canonical.value)' is not a regular file (a directory?)")
            }
            return canonical.value
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
            } else if errno != EEXIST {
                throw WirError(.io, "cannot create directory '\(directory.value)' for the registry: "
                               + SystemFiles.describe(errno))
            }
        }
    }
}
