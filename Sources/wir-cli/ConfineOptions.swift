import ArgumentParser
import WirEngine

/// `--confine[=mode]` and `--allow-write`: whether `wir run` confines its
/// command to what its claim allows (Linux Landlock), and what else it may write.
struct ConfineOptions: ParsableArguments {
    // Text, checked in validate(): a mode the parser could not read would
    // otherwise count as a bare --confine.
    @Option(name: .customLong("confine"), defaultAsFlag: ConfineMode.strict.rawValue, parsing: .next,
            help: ArgumentHelp("Let the command write only where its claim allows (Linux Landlock): strict (the "
                               + "default of a bare --confine: not run unless the kernel enforces it all), "
                               + "best-effort or off (default: $WIR_CONFINE, else the registry's confine setting).",
                               valueName: "mode"))
    var confineText: String?

    @Option(name: .customLong("allow-write"),
            help: ArgumentHelp("A path a confined command may also write without claiming it; listed in wir ls "
                               + "(repeat for more).", valueName: "path"))
    var allowWrites: [String] = []

    /// The mode asked for on the command line, if any.
    var confine: ConfineMode? {
        confineText.flatMap { try? ConfineMode(named: $0) }
    }

    func validate() throws {
        if let confineText, (try? ConfineMode(named: confineText)) == nil {
            throw ValidationError("--confine '\(confineText)' is not strict, best-effort or off")
        }
    }
}
