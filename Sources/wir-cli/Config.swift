import ArgumentParser
import WirEngine
import WirRegistry

/// `wir config get|set policy|ttl|grace`.
struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read or set the registry's defaults: policy, ttl, grace.",
        discussion: """
            policy: refuse, queue or warn ($WIR_POLICY overrides it for a process, a claim's own policy \
            overrides both). ttl: the default lease. grace: how long a claim whose lease lapsed keeps \
            blocking others (owners proven dead need none). Durations: 30s, 10m, 1h or seconds.
            """,
        subcommands: [Get.self, Set.self])

    enum Name: String, ExpressibleByArgument, CaseIterable { case policy, ttl, grace }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a default.")
        @OptionGroup var registry: RegistryOptions
        @Argument(help: ArgumentHelp("policy, ttl or grace.", valueName: "name")) var name: Name

        func run() throws {
            let settings = try Failure.map { try registry.open().settings() }
            switch name {
            case .policy: print(settings.policy.rawValue)
            case .ttl: print(Duration.describe(settings.ttlMs))
            case .grace: print(Duration.describe(settings.graceMs))
            }
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Store a default for every process.")
        @OptionGroup var registry: RegistryOptions
        @Argument(help: ArgumentHelp("policy, ttl or grace.", valueName: "name")) var name: Name
        @Argument(help: ArgumentHelp("The value.", valueName: "value")) var value: String

        func run() throws {
            let reg = try registry.open()
            var settings = try Failure.map { try reg.settings() }
            switch name {
            case .policy:
                guard let policy = Policy(rawValue: value) else {
                    throw ValidationError("policy must be refuse, queue or warn, not '\(value)'")
                }
                settings.policy = policy
            case .ttl, .grace:
                guard let duration = Duration(argument: value) else {
                    throw ValidationError("'\(value)' is not a duration (30s, 10m, 1h or seconds)")
                }
                if name == .ttl { settings.ttlMs = duration.milliseconds } else { settings.graceMs = duration.milliseconds }
            }
            try Failure.map { try reg.save(settings) }
        }
    }
}
