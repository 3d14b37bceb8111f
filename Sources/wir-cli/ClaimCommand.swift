#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import WirEngine
import WirRegistry

/// `wir claim`: claim in one step, release in another (for scripts).
struct ClaimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claim",
        abstract: "Claim paths for a script; release later with `wir release`.",
        discussion: """
            Prints WIR_TASK_ID, WIR_KEY and WIR_TOKEN as shell assignments (eval "$(wir claim ...)"). \
            Without --owner-pid the claim is tied to the calling shell (this command's parent); when that \
            process dies, the claim ends. Exits 75 when refused or timed out.
            """)

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var claim: ClaimOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: ArgumentHelp("The process whose death ends the claim (default: the parent process).",
                                            valueName: "pid"))
    var ownerPid: Int32?

    func run() throws {
        let reg = try registry.open()
        let owner = ownerPid ?? getppid()
        let outcome = try Failure.map { try reg.claim(claim.spec(ownerPID: owner), whileQueued: Progress.reporter()) }
        let (record, entries, _) = try Failure.admitted(outcome, refusedExit: try Failure.refusedExitFromEnvironment())
        if output.json {
            print(RegistryJSON.object([("task_id", RegistryJSON.string(record.taskID)),
                                       ("key", RegistryJSON.string(record.key)), ("token", "\(record.token)"),
                                       ("expires_ms", "\(record.expiresMs)"),
                                       ("entries", RegistryJSON.entries(entries))]))
        } else {
            print("WIR_TASK_ID=\(record.taskID)\nWIR_KEY=\(record.key)\nWIR_TOKEN=\(record.token)")
        }
    }
}
