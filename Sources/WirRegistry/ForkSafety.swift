#if canImport(Glibc)
import Glibc
#endif
import WirEngine
import WirHost

/// Keeps registries sound across fork(). SQLite is not fork-safe: a child
/// inherits its in-process lock bookkeeping without the kernel locks behind
/// it, and a connection opened there can believe it holds locks it does not
/// (this let two overlapping claims through in a torture run). So before a
/// fork every open registry's lock is taken (no call is half done) and its
/// store suspended (SQLite connections closed); after it the locks are let go
/// in both processes, the parent's stores open again on their next call, and
/// the child opens registries of its own. Handles the child inherited refuse
/// calls (`.forked`). Thread-safe.
enum ForkSafety {
    private final class Entry {
        weak var registry: Registry?
        init(_ registry: Registry) { self.registry = registry }
    }

    nonisolated(unsafe) private static var open: [ObjectIdentifier: Entry] = [:]
    /// The registries held across the fork, so that exactly those are let go after it.
    nonisolated(unsafe) private static var held: [Registry] = []
    private static let lock = Lock()
    private static let installed: Void = {
        pthread_atfork({ ForkSafety.prepare() }, { ForkSafety.resume() }, { ForkSafety.resume() })
    }()

    /// A registry was opened in this process: it is suspended around every fork.
    static func register(_ registry: Registry) {
        _ = installed
        lock.withLock { open[ObjectIdentifier(registry)] = Entry(registry) }
    }

    /// A registry is going away.
    static func unregister(_ registry: Registry) {
        lock.withLock { _ = open.removeValue(forKey: ObjectIdentifier(registry)) }
    }

    private static func prepare() {
        lock.lock()
        held = open.values.compactMap(\.registry)
        for registry in held { registry.suspendForFork() }
    }

    private static func resume() {
        let registries = held
        held = []
        for registry in registries { registry.resumeAfterFork() }
        lock.unlock()
        withExtendedLifetime(registries) {}      // a last reference let go here runs deinit, which takes `lock`
    }
}
