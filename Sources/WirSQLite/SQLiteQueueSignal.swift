#if canImport(Glibc)
import Glibc
#endif
import WirEngine
import WirHost
import WirStorage

/// How queued claims learn that they may look again, without polling.
///
/// Each waiting process binds an abstract Unix datagram socket named after
/// the registry file (device and inode) and its ticket. Whoever frees
/// something (a release, a reap, a waiter leaving) sends one byte to every
/// waiter after committing. Sockets in the abstract namespace vanish with
/// their process, so nothing is left behind. (`QueueWait` also watches the
/// blockers' pidfds and a timer; see docs/DESIGN.md.) Thread-safe: a value.
struct SQLiteQueueSignal: QueueChannel {
    /// Identifies the registry file across processes and spellings.
    let registryID: String

    init(registryPath: String) {
        var info = stat()
        registryID = stat(registryPath, &info) == 0
            ? "\(String(info.st_dev, radix: 16)):\(String(info.st_ino, radix: 16))" : registryPath
    }

    func address(ticket: Int64) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let name = Array("wir-queue-\(registryID)-\(ticket)".utf8.prefix(100))
        withUnsafeMutableBytes(of: &address.sun_path) { path in
            path[0] = 0                                   // abstract namespace
            for (index, byte) in name.enumerated() { path[index + 1] = byte }
        }
        return address
    }

    static func length(of address: sockaddr_un) -> socklen_t {
        var copy = address
        let nameLength = withUnsafeBytes(of: &copy.sun_path) { path in
            (1..<path.count).first { path[$0] == 0 } ?? path.count
        }
        return socklen_t(MemoryLayout<sa_family_t>.size + nameLength)
    }

    func makeListener() throws -> any QueueListener { SQLiteQueueListener(signal: self) }

    func wake(tickets: [Int64]) {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var byte: UInt8 = 1
        for ticket in tickets {
            var target = address(ticket: ticket)
            let length = Self.length(of: target)
            _ = withUnsafePointer(to: &target) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, &byte, 1, Int32(MSG_DONTWAIT), $0, length)
                }
            }
        }
    }
}
