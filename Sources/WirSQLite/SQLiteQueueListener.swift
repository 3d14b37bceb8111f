#if canImport(Glibc)
import Glibc
#endif
import WirEngine
import WirHost
import WirStorage

/// A waiter's socket, bound under its ticket (again when the ticket changes).
/// Used by the one thread that waits.
final class SQLiteQueueListener: QueueListener {
    private let signal: SQLiteQueueSignal
    private var socketFD: Int32 = -1
    private var ticket: Int64 = 0

    init(signal: SQLiteQueueSignal) { self.signal = signal }

    deinit { if socketFD >= 0 { close(socketFD) } }

    func listen(ticket: Int64) throws {
        guard ticket != self.ticket else { return }
        if socketFD >= 0 { close(socketFD) }
        socketFD = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
                          | Int32(SOCK_NONBLOCK.rawValue), 0)
        var address = signal.address(ticket: ticket)
        let length = SQLiteQueueSignal.length(of: address)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, length) }
        }
        guard socketFD >= 0, bound == 0 else {
            throw WirError(.io, "cannot listen for queue wake-ups: \(SystemFiles.describe(errno))")
        }
        self.ticket = ticket
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
