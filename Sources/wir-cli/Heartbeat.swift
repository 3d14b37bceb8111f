import ArgumentParser
import WirEngine
import WirRegistry

/// `wir heartbeat TASK --key KEY`.
struct Heartbeat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heartbeat",
        abstract: "Renew a claim's lease.",
        discussion: "Exits 1 if the claim has ended: the script no longer holds its paths and should stop writing.")

    @OptionGroup var registry: RegistryOptions
    @Argument(help: ArgumentHelp("The task id.", valueName: "task")) var task: String
    @Option(name: .long, help: ArgumentHelp("The claim's key.", valueName: "key")) var key: String
    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("The new lease from now, at least 1s (default: the claim's TTL).", valueName: "duration"),
            transform: Duration.parse)
    var ttl: Duration?

    func run() throws {
        let reg = try registry.open()
        let record = try Failure.map { try reg.heartbeat(taskID: task, key: key, ttlMs: ttl?.milliseconds ?? 0) }
        print(TerminalText.escaped("task '\(task)'") + " lease ends \(TimeText.relative(record.expiresMs))")
    }
}
