import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import WirEngine
import WirRegistry

/// `wir log`: the conflict log, what is stomping what.
struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the conflict log: every refused, queued, timed-out and warned overlap.")

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var output: OutputOptions
    @Option(name: .long, help: ArgumentHelp("Only rows newer than this long ago (e.g. 1h).", valueName: "duration"))
    var since: Duration?
    @Option(name: .long, help: ArgumentHelp("At most this many rows.", valueName: "n")) var limit: Int = 1000
    @Flag(name: .long, help: "Keep printing new rows as they come (one JSON object per line with --json).")
    var follow = false

    func run() throws {
        let reg = try registry.open()
        var cutoff = since.map { TimeText.nowMs() - $0.milliseconds } ?? 0
        var rows = try Failure.map { try reg.conflictLog(sinceMs: cutoff, limit: limit) }
        if !follow {
            if output.json { print(RegistryJSON.conflictLog(rows)) } else { show(rows, header: true) }
            return
        }
        var printedAtCutoff = 0
        var header = true
        while true {
            let fresh = Array(rows.dropFirst(printedAtCutoff))
            if output.json {
                fresh.forEach { print(RegistryJSON.conflictLog([$0]).dropFirst().dropLast()) }
            } else if !fresh.isEmpty {
                show(fresh, header: header)
                header = false
            }
            if let last = rows.last {
                printedAtCutoff = last.atMs == cutoff ? rows.count : rows.filter { $0.atMs == last.atMs }.count
                cutoff = last.atMs
            }
            fflush(nil)                      // all streams: stdout is a pipe when followed by a tool
            usleep(500_000)
            rows = try Failure.map { try reg.conflictLog(sinceMs: cutoff, limit: limit) }
        }
    }

    private func show(_ rows: [ConflictLogEntry], header: Bool) {
        if rows.isEmpty && header {
            print("no conflicts")
            return
        }
        let table = rows.map { row in
            [TimeText.time(row.atMs), row.taskID, row.conflict.requested.description, row.conflict.held.description,
             row.conflict.holderTaskID, row.policy.rawValue, row.outcome.rawValue,
             row.waitedMs > 0 ? TimeText.span(row.waitedMs) : "-"]
        }
        Table.print(header ? ["TIME (UTC)", "TASK", "WANTED", "HELD", "BY", "POLICY", "OUTCOME", "WAITED"] : [],
                    table)
    }
}
