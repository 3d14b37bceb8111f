#if canImport(Glibc)
import Glibc
#endif

/// Runs a closure on a detached pthread: the CLI's background work (the signal
/// relay, the lease keeper). A pthread inherits the creating thread's signal
/// mask, as Foundation's `Thread` did, without linking Foundation (which would
/// cost every command a few milliseconds of start-up).
enum BackgroundThread {
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// Starts `body` on a new thread; the process stops if the system refuses
    /// one (as Foundation's `Thread.start` does).
    static func start(_ body: @escaping @Sendable () -> Void) {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { context in
            Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            fatalError("wir: cannot start a thread: \(String(cString: strerror(status)))")
        }
        pthread_detach(thread)
    }
}
