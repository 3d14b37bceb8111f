import ArgumentParser
import WirEngine
import WirRegistry

/// `--registry PATH`, on every command.
struct RegistryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The registry file, or a postgresql:// URL (default: $WIR_REGISTRY, else "
                                            + "~/.local/state/wir/registry.db).", valueName: "path"))
    var registry: String?

    func open() throws -> Registry {
        try Failure.map { try Registry(path: registry) }
    }
}

/// What a claim names and how it is decided: shared by `run` and `claim`.
struct ClaimOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A path or glob the task will write (repeat for more).", valueName: "path"))
    var writes: [String] = []

    @Option(name: .long, help: ArgumentHelp("A path or glob the task will only read (repeat for more).", valueName: "path"))
    var reads: [String] = []

    @Option(name: .long, help: ArgumentHelp("The task id (default: generated).", valueName: "id"))
    var task: String?

    @Option(name: .long, help: ArgumentHelp("Free text shown in listings.", valueName: "text"))
    var label: String?

    @Option(name: .long, help: ArgumentHelp("refuse, queue or warn (default: $WIR_POLICY, else the registry's).",
                                            valueName: "policy"))
    var policy: Policy?

    @Option(name: .long, help: ArgumentHelp("How long a queued claim waits: 30s, 10m, 1h or seconds (default: for ever).",
                                            valueName: "duration"))
    var timeout: Duration?

    @Option(name: .long, help: ArgumentHelp("The lease: 30s, 10m, 1h or seconds (default: the registry's, 10m).",
                                            valueName: "duration"))
    var ttl: Duration?

    func validate() throws {
        guard !writes.isEmpty else { throw ValidationError("no --writes: name at least one path the task will write") }
        if let empty = (writes + reads).first(where: \.isEmpty) {
            _ = empty
            throw ValidationError("an empty path was given to --writes or --reads")
        }
        if let ttl, ttl.milliseconds == 0 { throw ValidationError("--ttl must be longer than 0") }
    }

    func spec(ownerPID: Int32? = nil) -> ClaimSpec {
        ClaimSpec(taskID: task, writes: writes, reads: reads, ttlMs: ttl?.milliseconds ?? 0, policy: policy,
                  timeoutMs: timeout?.milliseconds ?? -1, ownerPID: ownerPID, label: label ?? "")
    }
}

/// `--json`, on every listing.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON (schema: docs/json.md) instead of a table.")
    var json = false
}

extension Policy: ExpressibleByArgument {
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

/// A duration on the command line: `30s`, `10m`, `1h`, `250ms`, or plain seconds (`1.5`).
struct Duration: ExpressibleByArgument, Equatable {
    let milliseconds: Int64

    init(milliseconds: Int64) { self.milliseconds = milliseconds }

    init?(argument: String) {
        let units: [(String, Double)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        var number = Substring(argument), scale = 1000.0
        for (suffix, factor) in units where argument.hasSuffix(suffix) {
            number = argument.dropLast(suffix.count)
            scale = factor
            break
        }
        guard let value = Double(number), value >= 0, value.isFinite, value * scale < 9e15 else { return nil }
        milliseconds = Int64((value * scale).rounded())
    }

    static var defaultCompletionKind: CompletionKind { .default }

    /// The shortest exact spelling: "10m", "90s", "250ms".
    static func describe(_ ms: Int64) -> String {
        for (suffix, factor) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000)]
        where ms >= factor && ms % factor == 0 {
            return "\(ms / factor)\(suffix)"
        }
        return "\(ms)ms"
    }
}
