import ArgumentParser
import WirEngine
import WirRegistry

/// `wir config get|set policy|ttl|grace|log_days|history_days|confine`.
struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Read or set the registry's defaults: policy, ttl, grace, log_days, history_days, confine.",
        discussion: """
            policy: refuse, queue or warn ($WIR_POLICY overrides it for a process, a claim's own policy \
            overrides both). ttl: the default lease. grace: how long a claim whose lease lapsed keeps \
            blocking others (owners proven dead need none). Durations: 30s, 10m, 1h or seconds. \
            ttl_ms and grace_ms, as C and Python spell them, are the same settings. log_days and \
            history_days: how many days the conflict log and the history keep their rows (default 30 and \
            90; 0 keeps them for ever); claims prune older rows at most once an hour, and `wir reap` at once. \
            confine: off, strict or best-effort, whether wir run confines its command when neither \
            --confine nor $WIR_CONFINE says.
            """,
        subcommands: [Get.self, Set.self])

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "get", abstract: "Print a default.")
        @OptionGroup var registry: RegistryOptions
        @Argument(help: ArgumentHelp("policy, ttl, grace, log_days, history_days or confine.", valueName: "name"))
        var name: String

        func run() throws {
            _ = try Failure.map { try RegistrySetting(named: name) }      // a bad name before a missing registry
            let reg = try registry.open(create: false)
            let value = try Failure.map { try reg.setting(name) }
            let shown = try Failure.map { try RegistrySetting(named: name) }.isDuration
                ? Int64(value).map(DurationText.describe) ?? value : value
            print(shown)
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set",
                                                         abstract: "Store a default for every process.")
        @OptionGroup var registry: RegistryOptions
        @Argument(help: ArgumentHelp("policy, ttl, grace, log_days, history_days or confine.", valueName: "name"))
        var name: String
        @Argument(help: ArgumentHelp("The value.", valueName: "value")) var value: String

        func run() throws {
            let reg = try registry.open()
            // The CLI's bare numbers are seconds for durations; the library's are milliseconds.
            let isDuration = (try? RegistrySetting(named: name))?.isDuration ?? false
            let text = isDuration && Duration.isBareNumber(value) ? value + "s" : value
            try Failure.map { try reg.setSetting(name, to: text) }
        }
    }
}
