#if canImport(Glibc)
import Glibc
#endif
import WirEngine
import WirHost
import WirStorage

/// A waiter's socket, bound under its ticket (again when the ticket changes)
/// in the registry's wake-up directory, and removed when it stops listening.
/// Without a usable directory, or when the socket cannot be made or bound
/// (the name taken by something that is not a socket, no right to create
/// one there), it has no descriptor: the wait goes by its timer, slower but
/// never refused. Used by the one thread that waits.
final class SQLiteQueueListener: QueueListener {
    private let signal: SQLiteQueueSignal
    private var socketFD: Int32 = -1
    private var ticket: Int64 = 0

    init(signal: SQLiteQueueSignal) { self.signal = signal }

    deinit { stop() }

    private func stop() {
        guard socketFD >= 0 else { return }
        close(socketFD)
        socketFD = -1
        signal.remove(ticket: ticket)
    }

    func listen(ticket: Int64) throws {
        guard ticket != self.ticket || socketFD < 0 else { return }
        stop()
        self.ticket = ticket
        guard let (named, length) = signal.address(ticket: ticket) else { return }
        var address = named
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
                        | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return }
        signal.remove(ticket: ticket)                     // tickets are never reused: a file there is stale
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else {
            close(fd)
            return
        }
        socketFD = fd
    }

    var descriptor: Int32 { socketFD }

    func drain() -> Bool {
        guard socketFD >= 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 64)
        var received = false
        while recv(socketFD, &buffer, buffer.count, Int32(MSG_DONTWAIT)) > 0 { received = true }
        return received
    }
}
