import ArgumentParser
import WirEngine
import WirRegistry

/// `wir reap`: end lapsed and dead-owner claims now.
struct Reap: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reap",
        abstract: "Reap claims whose lease lapsed or whose owner died, now, and say which.")

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let reg = try registry.open()
        let reaped = try Failure.map { try reg.reap() }
        if output.json {
            print("[" + reaped.map { record, reason in
                RegistryJSON.object([("task_id", RegistryJSON.string(record.taskID)),
                                     ("reason", RegistryJSON.string(reason.rawValue)),
                                     ("owner", RegistryJSON.object([("host", RegistryJSON.string(record.owner.host)),
                                                                    ("pid", "\(record.owner.pid)")]))])
            }.joined(separator: ",") + "]")
        } else if reaped.isEmpty {
            print("nothing to reap")
        } else {
            Table.print(["TASK", "REASON", "OWNER"], reaped.map { record, reason in
                [record.taskID, reason.rawValue, "\(record.owner.pid)@\(record.owner.host)"]
            })
        }
    }
}
