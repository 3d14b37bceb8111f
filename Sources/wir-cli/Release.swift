import ArgumentParser
import WirEngine
import WirRegistry

/// `wir release TASK --key KEY`.
struct Release: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Release a claim made by `wir claim` (or any claim, given its key).",
        discussion: "Exits 1 if the claim had already ended (released, expired or reaped).")

    @OptionGroup var registry: RegistryOptions
    @Argument(help: ArgumentHelp("The task id.", valueName: "task")) var task: String
    @Option(name: .long, help: ArgumentHelp("The claim's key.", valueName: "key")) var key: String?
    @Option(name: .long, help: ArgumentHelp("completed, failed or cancelled.", valueName: "outcome"))
    var outcome: ReleaseOutcome = .completed
    @Flag(name: .long, help: "End the claim without its key (root or the registry's owner only; recorded as forced).")
    var force = false

    func validate() throws {
        guard force || key != nil else { throw ValidationError("--key is required (or --force, for an administrator)") }
    }

    func run() throws {
        let reg = try registry.open()
        if force {
            try Failure.map { try reg.forceRelease(taskID: task) }
        } else {
            try Failure.map { try reg.release(taskID: task, key: key ?? "", outcome: outcome) }
        }
    }
}
