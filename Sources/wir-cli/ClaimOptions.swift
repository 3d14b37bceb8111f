import ArgumentParser
import WirEngine
import WirHost
import WirRegistry

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

    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("How long a queued claim waits: 250ms, 30s, 10m, 1h, 1d or seconds (default: for ever).",
                               valueName: "duration"), transform: Duration.parse)
    var timeout: Duration?

    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("The lease, at least 1s: 30s, 10m, 1h, 1d or seconds, renewed by heartbeats; or alive: "
                               + "as long as an owner lives.", valueName: "duration"), transform: LeaseArgument.parse)
    var ttl: LeaseArgument?

    @Flag(name: .long, help: "Do not make this a sub-claim of $WIR_TASK_ID (which `wir run` sets for its command).")
    var noParent = false

    /// The claim as asked; `defaultTTL` stands in when --ttl is not given (0:
    /// the registry's). Inside `wir run` (WIR_TASK_ID and WIR_KEY set) it is
    /// made under that run's claim unless --no-parent.
    func spec(ownerPID: Int32? = nil, defaultTTL: Int64 = 0) -> ClaimSpec {
        var parent: ParentClaim?
        if !noParent, let task = Environment.value("WIR_TASK_ID"), let key = Environment.value("WIR_KEY") {
            parent = ParentClaim(taskID: task, key: key)
        }
        return ClaimSpec(taskID: task, writes: writes, reads: reads, ttlMs: ttl?.milliseconds ?? defaultTTL,
                         policy: policy, timeoutMs: timeout?.milliseconds ?? -1, ownerPID: ownerPID,
                         label: label ?? "", parent: parent)
    }
}
