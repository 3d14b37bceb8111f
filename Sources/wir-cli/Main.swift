import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// Runs the command; bad arguments give one line naming the problem and exit 64.
@main
enum Main {
    static func main() {
        refuseArgumentsThatAreNotUTF8()
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

    /// Swift decodes the command line with replacement characters, which would
    /// turn two different byte strings into one name: an argument that is not
    /// valid UTF-8 is refused first, as C and Python refuse it.
    static func refuseArgumentsThatAreNotUTF8() {
        for index in 1..<Int(CommandLine.argc) {
            guard let raw = CommandLine.unsafeArgv[index] else { continue }
            let bytes = UnsafeRawBufferPointer(start: raw, count: strlen(raw))
            guard String(validating: bytes, as: UTF8.self) == nil else { continue }
            let shown = bytes.map { $0 < 0x80 && $0 >= 0x20 ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }
            Failure.say("wir: argument \(index) ('\(shown.joined())') is not valid UTF-8 (see 'wir --help')")
            exit(Failure.usage)
        }
    }
}
