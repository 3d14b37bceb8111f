#if canImport(Glibc)
import Glibc
#endif
import WirHost
import WirRegistry

/// Takes INT, TERM and HUP (blocked in every thread) with sigwait: before the
/// command runs, a signal cancels a queued claim; after, it is passed on.
final class SignalRelay: @unchecked Sendable {
    private let lock = Lock()
    private var child: pid_t = 0
    private var signal: Int32?

    init(signals: sigset_t, registry: Registry) {
        BackgroundThread.start { [self] in
            var waiting = signals
            var caught: Int32 = 0
            while sigwait(&waiting, &caught) == 0 {
                let target: pid_t = lock.withLock {
                    if child == 0 && signal == nil { signal = caught }
                    return child
                }
                if target != 0 { kill(target, caught) } else { registry.cancel() }
            }
        }
    }

    /// The signal that arrived before the command started, if any.
    /// (`forward(to:)` takes a pid, or a negated process group id.)
    var received: Int32? { lock.withLock { signal } }

    func forward(to pid: pid_t) { lock.withLock { child = pid } }
}
