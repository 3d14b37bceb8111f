import ArgumentParser
import CWir

/// The `wir` command: the write-intent registry for shell scripts, Makefiles and schedulers.
struct WirCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wir",
        abstract: "Declare the paths a task will write before it starts; see what is stomping what.",
        discussion: """
            The registry is --registry PATH, else $WIR_REGISTRY, else ~/.local/state/wir/registry.db.
            Exit codes: 0 success; 64 bad arguments; 74 registry file unusable; 75 refused, timed out \
            or registry busy; 77 wrong key or not allowed; 78 not supported here (a kernel that cannot \
            confine, a PostgreSQL URL without libpq); `run` exits with its command's status (128+N for \
            signal N).
            """,
        version: "\(WIR_VERSION_MAJOR).\(WIR_VERSION_MINOR).\(WIR_VERSION_PATCH)",
        subcommands: [Run.self, ClaimCommand.self, Release.self, Heartbeat.self, Ls.self, Who.self,
                      Log.self, History.self, Reap.self, Config.self, Doctor.self, Hook.self, Guard.self])
}
