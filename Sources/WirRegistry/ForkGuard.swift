#if canImport(Glibc)
import Glibc
#endif
import WirEngine
import WirHost

/// Registries open in this process, and which process opened them. After a
/// fork() the child inherits this memory, and with it SQLite's in-process
/// lock bookkeeping without the kernel locks behind it: a connection opened
/// there can believe it holds locks it does not (this let two overlapping
/// claims through in a torture run). So a forked child of a process with a
/// registry open is refused. Thread-safe.
enum ForkGuard {
    nonisolated(unsafe) private static var openHandles = 0
    nonisolated(unsafe) private static var handlesPID: Int32 = 0
    private static let lock = Lock()

    /// Throws `.forked` in a fork child of a process with a registry open.
    static func checkMayOpen() throws {
        let forked = lock.withLock { openHandles > 0 && handlesPID != getpid() }
        if forked {
            throw WirError(.forked, "this process was forked from one that has a wir registry open, so SQLite "
                           + "and PostgreSQL connections cannot be used safely here; exec() a new program after fork "
                           + "(Python: use the 'spawn' or 'forkserver' start method), or close registries before forking")
        }
    }

    /// A registry was opened in this process.
    static func opened() {
        lock.withLock {
            openHandles += 1
            handlesPID = getpid()
        }
    }

    /// A registry opened by process `opener` was closed (a no-op in a fork child).
    static func closed(openedBy opener: Int32) {
        guard getpid() == opener else { return }
        lock.withLock { openHandles -= 1 }
    }
}
