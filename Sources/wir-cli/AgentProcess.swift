#if canImport(Glibc)
import Glibc
#endif
import WirHost

/// The process a hook works for: hooks are started by the agent, usually
/// through `sh -c`, and live for milliseconds, so a claim they make is owned by
/// the agent instead: the nearest ancestor of the hook whose program is not a
/// shell or a launcher (`ProcessProgram`).
enum AgentProcess {
    /// Programs that only pass a hook on: their process is skipped.
    static let passing = ProcessProgram.shells.union(ProcessProgram.launchers)

    /// The nearest ancestor of this process that is not a shell, or nil if
    /// every one up to init is.
    static func nearest() -> Int32? {
        var pid = getppid()
        var steps = 0
        while pid > 1 && steps < 64 {
            guard let stat = ProcessIdentity.stat(of: pid) else { return nil }
            if !passing.contains(ProcessProgram.name(of: pid)) { return pid }
            pid = stat.parent
            steps += 1
        }
        return nil
    }
}
