#if canImport(Glibc)
import Glibc
#endif
import WirEngine
import WirHost
import WirStorage

/// How queued claims learn that they may look again, without polling.
///
/// Each waiting process binds a Unix datagram socket named after its ticket
/// in a directory beside the registry file (`registry.db.wake/`). Whoever
/// frees something (a release, a reap, a waiter leaving) sends one byte to
/// every waiter after committing. Sockets in the file system reach every
/// process that shares the registry file, whatever its network namespace (an
/// abstract socket does not cross one), and only users who may write the
/// registry's directory can make one there, so nobody else can squat a
/// waiter's name. The directory takes the registry file's owner and group
/// access; one that belongs to another user is not used (waiters then fall
/// back to their timer). Sockets are reached through `/proc/self/fd/N/TICKET`,
/// which keeps the address short whatever the registry's path. A waiter
/// removes its socket when it stops listening; one left by a waiter that died
/// is removed by the next wake-up that finds nobody listening. (`QueueWait`
/// also watches the blockers' pidfds and a timer; see docs/DESIGN.md.)
/// Thread-safe: the directory is opened once, under a lock.
final class SQLiteQueueSignal: QueueChannel, @unchecked Sendable {
    let directory: String
    private let registryPath: String
    private let lock = Lock()
    private var opened: Int32?

    init(registryPath: String) {
        self.registryPath = registryPath
        directory = registryPath + ".wake"
    }

    deinit { if let opened, opened >= 0 { close(opened) } }

    /// The directory's descriptor, making the directory if needed; -1 when it
    /// cannot be used (then waiters wait on their timer alone).
    var directoryFD: Int32 {
        lock.withLock {
            if let opened { return opened }
            let fd = Self.openDirectory(directory, like: registryPath)
            opened = fd
            return fd
        }
    }

    /// Opens (making it if missing) the wake-up directory with the registry
    /// file's owner and access; -1 if it is not a directory of that owner.
    private static func openDirectory(_ path: String, like registry: String) -> Int32 {
        var file = stat()
        guard stat(registry, &file) == 0 else { return -1 }
        let shared = file.st_mode & 0o060 != 0
        if mkdir(path, shared ? 0o2770 : 0o700) == 0 { chmod(path, shared ? 0o2770 : 0o700) }
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        var info = stat()
        guard fd >= 0, fstat(fd, &info) == 0, info.st_uid == file.st_uid else {
            if fd >= 0 { close(fd) }
            return -1
        }
        return fd
    }

    /// The address of the socket of waiter `ticket`, through the directory's descriptor.
    func address(ticket: Int64) -> (sockaddr_un, socklen_t)? {
        let fd = directoryFD
        guard fd >= 0 else { return nil }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let name = Array("/proc/self/fd/\(fd)/\(ticket)".utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { path in
            for (index, byte) in name.enumerated() { path[index] = byte }
        }
        return (address, socklen_t(MemoryLayout<sa_family_t>.size + name.count + 1))
    }

    /// Removes the socket file of waiter `ticket`, if any.
    func remove(ticket: Int64) {
        let fd = directoryFD
        if fd >= 0 { unlinkat(fd, "\(ticket)", 0) }
    }

    func makeListener() throws -> any QueueListener { SQLiteQueueListener(signal: self) }

    func wake(tickets: [Int64]) {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var byte: UInt8 = 1
        for ticket in tickets {
            guard let (named, length) = address(ticket: ticket) else { return }
            var target = named
            let sent = withUnsafePointer(to: &target) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, &byte, 1, Int32(MSG_DONTWAIT), $0, length)
                }
            }
            if sent < 0 && errno == ECONNREFUSED { remove(ticket: ticket) }      // its waiter is gone
        }
    }
}
