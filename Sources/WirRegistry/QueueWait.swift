#if canImport(Glibc)
import Glibc
#endif
import CLinux
import WirEngine
import WirHost
import WirStorage

/// One queued claim's wait: its listener, its cancel switch, and the sleep.
final class QueueWait: @unchecked Sendable {
    private let listener: any QueueListener
    private let cancelFD: Int32
    private let lock = Lock()
    private var cancelled = false

    init(channel: any QueueChannel) throws {
        listener = try channel.makeListener()
        cancelFD = wir_eventfd()
        guard cancelFD >= 0 else {
            throw WirError(.io, "cannot create an eventfd to wait on: \(SystemFiles.describe(errno))")
        }
    }

    deinit { close(cancelFD) }

    /// Listens under `ticket` (again, if the ticket changed).
    func listen(ticket: Int64) throws { try listener.listen(ticket: ticket) }

    /// Another thread asks this wait to stop.
    func cancel() {
        lock.withLock { cancelled = true }
        var one: UInt64 = 1
        _ = write(cancelFD, &one, 8)
    }

    var isCancelled: Bool { lock.withLock { cancelled } }

    /// Sleeps until a wake-up arrives, a local blocker dies (a process owner,
    /// or any process of a group owner), the wait is cancelled, or `timeoutMs`
    /// passes. Drains whatever woke it; returns at once if a wake-up had
    /// arrived already, or a blocker is gone already.
    func sleep(timeoutMs: Int64, blockers: [Owner]) {
        if listener.drain() { return }
        var fds = [pollfd(fd: listener.descriptor, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: cancelFD, events: Int16(POLLIN), revents: 0)]
        var pidfds: [Int32] = []
        defer { pidfds.forEach { close($0) } }
        for owner in blockers where owner.host == ProcessIdentity.hostName {
            let processes = owner.kind == .group ? ProcessIdentity.members(ofGroup: owner.pid) : [owner.pid]
            // A group gone already: look again now. (One of zombies only is left to the timer.)
            if processes.isEmpty && !ProcessIdentity.groupExists(owner.pid) { return }
            for pid in processes {
                let fd = wir_pidfd_open(pid)
                // Opened after the pid was read: if the pid was reused meanwhile, the
                // start time (or group) differs and the owner is gone already.
                let stat = ProcessIdentity.stat(of: pid)
                let same = owner.kind == .group ? stat?.group == owner.pid : stat?.startTime == owner.startTime
                guard fd >= 0, same else {
                    if fd >= 0 { close(fd) }
                    return                                           // gone already: look again now
                }
                pidfds.append(fd)
                fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
            }
        }
        _ = poll(&fds, nfds_t(fds.count), Int32(clamping: max(0, timeoutMs)))
        _ = listener.drain()
    }
}
