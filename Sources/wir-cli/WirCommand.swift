import ArgumentParser

/// The `wir` command: the write-intent registry for shell scripts, Makefiles and schedulers.
struct WirCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wir",
        abstract: "Declare the paths a task will write before it starts; see what is stomping what.",
        discussion: """
            The registry is --registry PATH, else $WIR_REGISTRY, else ~/.local/state/wir/registry.db.
            Exit codes: 0 success; 64 bad arguments; 74 registry file unusable; 75 refused, timed out \
            or registry busy; 77 wrong key or not allowed; `run` exits with its command's status (128+N for \
            signal N).
            """,
        version: "0.1.0",
        subcommands: [Run.self, ClaimCommand.self, Release.self, Heartbeat.self, Ls.self, Who.self,
                      Log.self, History.self, Reap.self, Config.self, Doctor.self])
}

/// Runs the command; bad arguments give one line naming the problem and exit 64.
@main
enum Main {
    static func main() {
        do {
            var command = try WirCommand.parseAsRoot()
            try command.run()
        } catch {
            // An ExitCode was thrown after its message was printed (Failure.map).
            if !(error is ExitCode), WirCommand.exitCode(for: error) == .validationFailure {
                let message = WirCommand.message(for: error).split(separator: "\n").first.map(String.init) ?? "bad arguments"
                Failure.say("wir: \(message) (see 'wir --help')")
                WirCommand.exit(withError: ExitCode.validationFailure)
            }
            WirCommand.exit(withError: error)
        }
    }
}
