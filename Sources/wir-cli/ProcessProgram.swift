#if canImport(Glibc)
import Glibc
#endif
import WirHost

/// What program a process runs, judged by the name of its executable (else
/// of its command), and which programs only stand between a command and the
/// one that started it: shells, and launchers that run one command and exit
/// with it. `wir hook` skips them to find the agent above it; `wir claim`
/// warns when its parent, which owns its claim, is not a shell.
enum ProcessProgram {
    /// Interactive and script shells: a claim they own lasts while the script does.
    static let shells: Set<String> = ["sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "fish", "tcsh", "csh",
                                      "busybox"]
    /// Launchers that run one command and end with it.
    static let launchers: Set<String> = ["env", "nice", "nohup", "timeout", "stdbuf"]

    /// The base name of the process's executable (`/proc/PID/exe`), else its command name.
    static func name(of pid: Int32) -> String {
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
