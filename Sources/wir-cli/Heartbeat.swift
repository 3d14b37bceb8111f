import ArgumentParser
import WirRegistry

/// `wir heartbeat TASK --key KEY`.
struct Heartbeat: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Renew a claim's lease.",
        discussion: "Exits 1 if the claim has ended: the script no longer holds its paths and should stop writing.")

    @OptionGroup var registry: RegistryOptions
    @Argument(help: ArgumentHelp("The task id.", valueName: "task")) var task: String
    @Option(name: .long, help: ArgumentHelp("The claim's key.", valueName: "key")) var key: String
    @Option(name: .long, help: ArgumentHelp("The new lease from now (default: the claim's TTL).", valueName: "duration"))
    var ttl: Duration?

    func run() throws {
        let reg = try registry.open()
        let record = try Failure.map { try reg.heartbeat(taskID: task, key: key, ttlMs: ttl?.milliseconds ?? 0) }
        print("task '\(task)' lease ends \(TimeText.relative(record.expiresMs))")
    }
}
