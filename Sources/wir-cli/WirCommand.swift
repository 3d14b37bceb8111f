import ArgumentParser
import CWir

/// The `wir` command: the write-intent registry for shell scripts, Makefiles and schedulers.
struct WirCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wir",
        abstract: "Declare the paths a task will write before it starts; see what is stomping what.",
        discussion: """
            The registry is --registry PATH, else $WIR_REGISTRY (an absolute path or a postgresql:// URL), \
            else ~/.local/state/wir/registry.db. Commands that only read (ls, who, log, history, doctor, \
            config get) never create one.
            Exit codes: 0 success; 1 the claim had ended (release, heartbeat); 64 bad arguments; 66 no \
            registry there (a command that only reads); 69 the claim was lost while `run`'s command ran; \
            74 registry unusable (I/O, damaged, unreachable, a missing privilege); 75 refused, timed out \
            or registry busy; 77 wrong key, not allowed, or the task id is in flight under another owner; \
            78 not supported here (a kernel that cannot confine, a PostgreSQL URL without libpq); 127 \
            `run`'s command cannot be started; otherwise `run` exits with its command's status (128+N for \
            signal N).
            """,
        version: "\(WIR_VERSION_MAJOR).\(WIR_VERSION_MINOR).\(WIR_VERSION_PATCH)",
        subcommands: [Run.self, ClaimCommand.self, Release.self, Heartbeat.self, Ls.self, Who.self,
                      Log.self, History.self, Reap.self, Config.self, Doctor.self, Hook.self, Guard.self])
}
