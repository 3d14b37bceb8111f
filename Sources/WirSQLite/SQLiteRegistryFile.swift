#if canImport(Glibc)
import Glibc
#endif
import WirEngine
import WirHost

/// Where a registry file is made, and what may stand at its path and beside
/// it: its directories and the file itself, with the modes (and group) that
/// keep it private to its user or shared with a group; and the checks that
/// keep another user's files out of it in a shared directory.
enum SQLiteRegistryFile {
    /// The files SQLite opens by name beside the registry.
    static let companionSuffixes = ["-wal", "-shm", "-journal"]

    /// `WIR_REGISTRY_MODE`: unset or "private", or "group".
    static func groupModeFromEnvironment() throws -> Bool {
        switch Environment.value("WIR_REGISTRY_MODE") {
        case nil, "private": return false
        case "group": return true
        case let other?: throw WirError(.invalidArgument, "WIR_REGISTRY_MODE='\(other)' is not private or group")
        }
    }

    /// Creates missing parent directories (0700, or 2770 with the group of the
    /// directory they are made in) and the file (0600, or 0660 with its
    /// directory's group, and its `-wal` and `-shm` with it), and checks what
    /// stands there (`check`). Symlinks on the way are followed only when they
    /// belong to the caller or root, and a registry is never created through
    /// one. Returns the canonical path. Without `create`, a missing file is
    /// `.noRegistry` and nothing is made. A path that cannot be looked at (a
    /// directory on the way that this user may not search) says so, rather
    /// than that the file cannot be created.
    static func prepare(_ path: String, sharedWithGroup: Bool, create: Bool = true) throws -> String {
        let canonical = try PathResolver.canonicalize(path) { link, owner in
            guard owner == geteuid() || owner == 0 else {
                throw WirError(.io, "registry path '\(path)' goes through symlink '\(link)', which belongs to uid "
                               + "\(owner), not to you or root: wir does not follow it (a link planted in a shared "
                               + "directory could make wir write another user's file); give the real path")
            }
        }
        var info = stat()
        if lstat(canonical.value, &info) == 0 {
            try check(canonical.value)
            return canonical.value
        }
        let missing = errno == ENOENT
        guard missing || errno == ENOTDIR else {
            throw WirError(.io, "cannot reach registry '\(canonical.value)': \(SystemFiles.describe(errno))"
                           + (errno == EACCES ? " (a directory on its way is not searchable by this user)" : ""))
        }
        var link = stat()
        if lstat(path, &link) == 0 && (link.st_mode & S_IFMT) == S_IFLNK {
            throw WirError(.io, "registry path '\(path)' is a symlink to '\(canonical.value)', which does not exist: "
                           + "wir does not create a registry through a link; give the real path")
        }
        guard create else {
            throw WirError(.noRegistry, "there is no registry at '\(canonical.value)' (nothing was ever claimed "
                           + "there); check --registry or $WIR_REGISTRY, or claim something first")
        }
        if !canonical.isRoot {
            try makeDirectories(canonical.selfAndAncestors.dropLast(), shared: sharedWithGroup)
        }
        try makeFile(canonical.value, shared: sharedWithGroup)
        return canonical.value
    }

    /// Throws `.io` naming the problem unless `path` is a regular file that
    /// belongs to the caller, root, or a group the caller is in (when shared
    /// with it), and each companion file SQLite would open beside it is
    /// either missing or a regular file that belongs to the same. A FIFO there
    /// would hang SQLite, a link would have it write another file, and another
    /// user's file would let that user write the registry.
    static func check(_ path: String) throws {
        var registry = stat()
        guard lstat(path, &registry) == 0 else {
            throw WirError(.io, "cannot open registry '\(path)': \(SystemFiles.describe(errno))")
        }
        guard (registry.st_mode & S_IFMT) == S_IFREG else {
            throw WirError(.io, "registry '\(path)' is not a regular file (\(kind(registry.st_mode)))")
        }
        let shared = registry.st_mode & 0o060 == 0o060
        let mine = registry.st_uid == geteuid() || registry.st_uid == 0
        guard mine || (shared && callerIsIn(group: registry.st_gid)) else {
            throw WirError(.io, "registry '\(path)' belongs to uid \(registry.st_uid) and is not shared with a group "
                           + "you are in: wir does not use another user's registry (one planted in a shared "
                           + "directory would decide your claims)")
        }
        for suffix in companionSuffixes {
            var companion = stat()
            guard lstat(path + suffix, &companion) == 0 else { continue }
            guard (companion.st_mode & S_IFMT) == S_IFREG else {
                throw WirError(.io, "registry's file '\(path + suffix)' is not a regular file "
                               + "(\(kind(companion.st_mode))): SQLite would hang on it or write through it; remove it")
            }
            let trusted = [geteuid(), 0, registry.st_uid].contains(companion.st_uid)
                || (shared && companion.st_gid == registry.st_gid)
            guard trusted else {
                throw WirError(.io, "registry's file '\(path + suffix)' is a regular file that belongs to uid "
                               + "\(companion.st_uid), not to the registry's owner or its group: remove it")
            }
        }
    }

    private static func callerIsIn(group: gid_t) -> Bool {
        if getegid() == group { return true }
        let count = getgroups(0, nil)
        guard count > 0 else { return false }
        var groups = [gid_t](repeating: 0, count: Int(count))
        return getgroups(count, &groups) >= 0 && groups.contains(group)
    }

    private static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO"
        case S_IFLNK: return "a symlink"
        case S_IFSOCK: return "a socket"
        case S_IFCHR, S_IFBLK: return "a device"
        default: return "not a file"
        }
    }

    /// Makes the file (and, shared, its `-wal` and `-shm`, so that whoever
    /// opens it first gives them neither its own group nor its umask).
    private static func makeFile(_ path: String, shared: Bool) throws {
        let mode: mode_t = shared ? 0o660 : 0o600
        let group = shared ? directoryGroup(of: path) : nil
        for file in [path] + (shared ? [path + "-wal", path + "-shm"] : []) {
            let fd = open(file, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, mode)
            guard fd >= 0 else {
                throw WirError(.io, "cannot create registry '\(file)': \(SystemFiles.describe(errno))")
            }
            if let group { fchown(fd, uid_t.max, group) }
            fchmod(fd, mode)                   // whatever the umask; SQLite gives -wal and -shm the same mode
            close(fd)
        }
    }

    /// The group of the directory `path` is in.
    private static func directoryGroup(of path: String) -> gid_t? {
        guard let directory = CanonicalPath(canonical: path).parent else { return nil }
        var info = stat()
        return stat(directory.value, &info) == 0 ? info.st_gid : nil
    }

    private static func makeDirectories(_ directories: ArraySlice<CanonicalPath>, shared: Bool) throws {
        let mode: mode_t = shared ? 0o2770 : 0o700
        for directory in directories where !directory.isRoot {
            if mkdir(directory.value, mode) == 0 {
                // The team's group, not the creator's primary one (setgid on the parent would do it).
                if shared, let group = directoryGroup(of: directory.value) { chown(directory.value, uid_t.max, group) }
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
