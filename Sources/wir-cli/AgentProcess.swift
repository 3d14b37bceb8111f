#if canImport(Glibc)
import Glibc
#endif
import WirHost

/// The process a hook works for: hooks are started by the agent, usually
/// through `sh -c`, and live for milliseconds, so a claim they make is owned by
/// the agent instead: the nearest ancestor of the hook whose program is not a
/// shell (`shells`, judged by the name of its executable, else of its command).
enum AgentProcess {
    /// Programs that only pass a hook on: their process is skipped.
    static let shells: Set<String> = ["sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "fish", "tcsh", "csh",
                                      "busybox", "env", "nice", "nohup", "timeout", "stdbuf"]

    /// The nearest ancestor of this process that is not a shell, or nil if
    /// every one up to init is.
    static func nearest() -> Int32? {
        var pid = getppid()
        var steps = 0
        while pid > 1 && steps < 64 {
            guard let stat = ProcessIdentity.stat(of: pid) else { return nil }
            if !shells.contains(program(of: pid)) { return pid }
            pid = stat.parent
            steps += 1
        }
        return nil
    }

    /// The base name of the process's executable (`/proc/PID/exe`), else its command name.
    static func program(of pid: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/\(pid)/exe", &buffer, buffer.count - 1)
        if count > 0 {
            let path = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return String(path.split(separator: "/").last ?? "")
        }
        let comm = SystemFiles.read("/proc/\(pid)/comm") ?? ""
        return comm.hasSuffix("\n") ? String(comm.dropLast()) : comm
    }
}
