import ArgumentParser
import WirRegistry

/// `wir history`: claims that ended, and why.
struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show ended claims: completed, failed, cancelled, expired or owner-dead, and how long each held.")

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var output: OutputOptions
    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("Only claims that ended less than this long ago.", valueName: "duration"),
            transform: Duration.parse)
    var since: Duration?
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("At most this many rows (-1: all).", valueName: "n"))
    var limit: Int = 1000

    func validate() throws {
        guard limit >= -1 else { throw ValidationError("--limit must be a number of rows, or -1 for all") }
    }

    func run() throws {
        let reg = try registry.open(create: false)
        let rows = try Failure.map {
            try reg.history(sinceMs: since.map { TimeText.nowMs() - $0.milliseconds } ?? 0, limit: limit)
        }
        if output.json {
            print(RegistryJSON.history(rows))
        } else if rows.isEmpty {
            print("no ended claims")
        } else {
            Table.print(["ENDED (UTC)", "TASK", "LABEL", "REASON", "HELD", "OWNER", "ENTRIES"], rows.map { row in
                [TimeText.time(row.endedMs), row.claim.taskID, row.claim.label.isEmpty ? "-" : row.claim.label,
                 row.reason.rawValue, TimeText.span(row.endedMs - row.claim.createdMs),
                 "\(row.claim.owner.pid)@\(row.claim.owner.host)", Table.entries(row.entries)]
            })
        }
    }
}
