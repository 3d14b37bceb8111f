#if canImport(Glibc)
import Glibc
#endif
import WirEngine

/// This mount namespace's mounts (`/proc/self/mountinfo`), to name a path by
/// where it lives on its filesystem rather than where it is mounted: the same
/// directory bind-mounted at two places gets one name. Read again only when
/// the kernel says the table changed (it flags the open file for poll).
/// Thread-safe.
public final class MountTable: @unchecked Sendable {
    /// One line of mountinfo: the device, the filesystem path mounted (its
    /// root), and where it is mounted.
    struct Mount: Equatable {
        var device: String
        var root: CanonicalPath
        var point: CanonicalPath
    }

    public static let shared = MountTable()

    private let lock = Lock()
    private var descriptor: Int32 = -1
    private var mounts: [Mount] = []

    /// The name of `path` through its filesystem's root, when it lies under a
    /// mount of a subtree (a bind mount): the same path through a mount of the
    /// filesystem's root if there is one here, else a name under
    /// `PathEntry.identityRoot` made of the device and the path on it. nil when
    /// `path` is under a mount of its filesystem's root (its own name says it all).
    public func rootName(of path: CanonicalPath) -> CanonicalPath? {
        let table = current()
        guard let mount = Self.mount(of: path, in: table), !mount.root.isRoot else { return nil }
        let onDevice = Self.join(mount.root, Self.relative(path, to: mount.point))
        // A mount of a directory above it on the same device, the shallowest root, gives a real path.
        let above = table.filter { $0.device == mount.device && onDevice.isWithin($0.root) && $0 != mount }
            .min { $0.root.value.utf8.count < $1.root.value.utf8.count }
        if let above, above.root.value.utf8.count < mount.root.value.utf8.count {
            return Self.join(above.point, Self.relative(onDevice, to: above.root))
        }
        return CanonicalPath(canonical: PathEntry.identityRoot + "mount/" + mount.device
                             + (onDevice.isRoot ? "" : onDevice.value))
    }

    /// The mount `path` lies under: the deepest mount point above it (the last
    /// one mounted there, which covers the others).
    static func mount(of path: CanonicalPath, in table: [Mount]) -> Mount? {
        var deepest: Mount?
        for mount in table where path.isWithin(mount.point)
            && mount.point.value.utf8.count >= deepest?.point.value.utf8.count ?? 0 {
            deepest = mount
        }
        return deepest
    }

    /// `path` below `directory`, without it ("" for the directory itself).
    static func relative(_ path: CanonicalPath, to directory: CanonicalPath) -> String {
        directory.isRoot ? path.value : String(decoding: path.value.utf8.dropFirst(directory.value.utf8.count),
                                               as: UTF8.self)
    }

    static func join(_ directory: CanonicalPath, _ rest: String) -> CanonicalPath {
        if rest.isEmpty || rest == "/" { return directory }
        return CanonicalPath(canonical: (directory.isRoot ? "" : directory.value) + rest)
    }

    /// The table, read again if it changed since the last look.
    private func current() -> [Mount] {
        lock.withLock {
            if descriptor < 0 {
                descriptor = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC)
                mounts = read()
                return mounts
            }
            var changed = pollfd(fd: descriptor, events: Int16(POLLPRI), revents: 0)
            if poll(&changed, 1, 0) > 0 && changed.revents & Int16(POLLERR | POLLPRI) != 0 {
                mounts = read()
            }
            return mounts
        }
    }

    /// Reads the whole table from the start of the open file.
    private func read() -> [Mount] {
        guard descriptor >= 0 else { return [] }
        lseek(descriptor, 0, SEEK_SET)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        return Self.parse(bytes)
    }

    /// mountinfo lines: "ID PARENT MAJOR:MINOR ROOT POINT OPTIONS ... - TYPE SOURCE SUPER".
    static func parse(_ bytes: [UInt8]) -> [Mount] {
        bytes.split(separator: UInt8(ascii: "\n")).compactMap { line in
            let fields = line.split(separator: UInt8(ascii: " "))
            guard fields.count >= 5, let root = unescape(fields[3]), let point = unescape(fields[4]) else { return nil }
            return Mount(device: String(decoding: fields[2], as: UTF8.self), root: root, point: point)
        }
    }

    /// A mountinfo path field: octal escapes (`\040` for a space) decoded.
    static func unescape(_ field: ArraySlice<UInt8>) -> CanonicalPath? {
        var out: [UInt8] = []
        var index = field.startIndex
        while index < field.endIndex {
            if field[index] == UInt8(ascii: "\\"), field.distance(from: index, to: field.endIndex) >= 4,
               let value = UInt8(String(decoding: field[(index + 1)...(index + 3)], as: UTF8.self), radix: 8) {
                out.append(value)
                index += 4
            } else {
                out.append(field[index])
                index += 1
            }
        }
        return CanonicalPath(lexical: String(decoding: out, as: UTF8.self))
    }
}
