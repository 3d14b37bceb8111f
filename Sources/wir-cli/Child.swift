#if canImport(Glibc)
import Glibc
#endif
import Foundation
import WirEngine

/// Spawning and waiting for the command.
enum Child {
    struct Status { var code: Int32; var signal: Int32? }

    static func spawn(_ command: [String], environment extra: [String: String]) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var environment = ProcessInfo.processInfo.environment
        for (name, value) in extra { environment[name] = value }
        let argv = command.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, command[0], nil, &attributes, argv, envp)
        guard rc == 0 else { throw WirError(.invalidArgument, String(cString: strerror(rc))) }
        return pid
    }

    static func wait(_ child: pid_t) -> Status {
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? Status(code: (status >> 8) & 0xff, signal: nil) : Status(code: 0, signal: signal)
    }
}
