import ArgumentParser
import WirEngine
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

    @Option(name: .long, help: ArgumentHelp("How long a queued claim waits: 30s, 10m, 1h or seconds (default: for ever).",
                                            valueName: "duration"))
    var timeout: Duration?

    @Option(name: .long, help: ArgumentHelp("The lease: 30s, 10m, 1h or seconds (default: the registry's, 10m).",
                                            valueName: "duration"))
    var ttl: Duration?

    func validate() throws {
        if let ttl, ttl.milliseconds == 0 { throw ValidationError("--ttl must be longer than 0") }
    }

    func spec(ownerPID: Int32? = nil) -> ClaimSpec {
        ClaimSpec(taskID: task, writes: writes, reads: reads, ttlMs: ttl?.milliseconds ?? 0, policy: policy,
                  timeoutMs: timeout?.milliseconds ?? -1, ownerPID: ownerPID, label: label ?? "")
    }
}
