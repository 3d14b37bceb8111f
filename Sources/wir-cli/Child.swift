#if canImport(Glibc)
import Glibc
#endif
import CLinux
import FoundationEssentials
import WirEngine

/// The command `wir run` runs: found on PATH, started in a process group of
/// its own behind a gate, and waited for. Used by the thread that runs `wir run`.
final class Child {
    struct Status { var code: Int32; var signal: Int32? }

    let pid: pid_t
    private var gate: Int32

    /// Starts `command` (resolved on PATH as execvp would) in a new process
    /// group, held at the gate until `open()`, and confined by the Landlock
    /// `ruleset` (a descriptor; -1: none) once through it. Throws with the
    /// reason if it cannot be found or started.
    init(_ command: [String], environment extra: [String: String], ruleset: Int32 = -1) throws {
        let path = try Self.resolve(command[0])
        var environment = ProcessInfo.processInfo.environment
        for (name, value) in extra { environment[name] = value }
        let argv = command.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            throw WirError(.io, "cannot make a pipe: \(String(cString: strerror(errno)))")
        }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        let started = wir_spawn_gated(path, argv, envp, ends[0], ends[1], ruleset)
        close(ends[0])
        guard started > 0 else {
            close(ends[1])
            throw WirError(.io, "cannot start '\(command[0])': \(String(cString: strerror(errno)))")
        }
        setpgid(started, started)            // also here, so the group exists before we name it
        pid = started
        gate = ends[1]
    }

    deinit { if gate >= 0 { close(gate) } }

    /// Lets the command run.
    func open() {
        var go: UInt8 = 1
        _ = write(gate, &go, 1)
        close(gate)
        gate = -1
    }

    /// Waits for the command to end; `stopped` is called when it stops (^Z)
    /// and returns once it may go on.
    func wait(stopped: () -> Void) -> Status {
        var status: Int32 = 0
        while true {
            guard waitpid(pid, &status, WUNTRACED) >= 0 else {
                if errno == EINTR { continue }
                return Status(code: 1, signal: nil)
            }
            if status & 0xff == 0x7f { stopped(); continue }             // WIFSTOPPED
            let signal = status & 0x7f
            return signal == 0 ? Status(code: (status >> 8) & 0xff, signal: nil) : Status(code: 0, signal: signal)
        }
    }

    /// The file execvp would run for `name`: itself if it holds a slash, else
    /// the first executable match on PATH.
    static func resolve(_ name: String) throws -> String {
        guard !name.isEmpty else { throw WirError(.invalidArgument, "the command is empty") }
        if name.contains("/") { return name }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + name
            var info = stat()
            if stat(candidate, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        throw WirError(.notFound, "'\(name)' is not a command on PATH")
    }
}
