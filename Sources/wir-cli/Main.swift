import ArgumentParser

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
