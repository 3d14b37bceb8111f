import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import WirEngine
import WirRegistry

/// `wir log`: the conflict log, what is stomping what.
struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Show the conflict log: every refused, queued, timed-out and warned overlap.",
        discussion: """
            One row per overlapping pair; a refusal its task repeats against the same holder and paths is \
            one row, with the number of attempts (N) and the time of the latest. Rows come in the order they \
            last changed. --refusals shows the requests turned away (refused, timed-out); --waits the queue \
            waits (queued, admitted, cancelled, abandoned); --outcome any of the outcomes. With --follow \
            it waits for a registry that does not exist yet (it never creates one).
            """)

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var output: OutputOptions
    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("Only rows that changed less than this long ago (e.g. 1h).", valueName: "duration"),
            transform: Duration.parse)
    var since: Duration?
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("At most this many rows (-1: all).", valueName: "n"))
    var limit: Int = 1000
    @Option(name: .long, parsing: .singleValue,
            help: ArgumentHelp("Only rows with this outcome (repeat, or separate with commas): refused, warned, "
                               + "queued, admitted, timed-out, cancelled, abandoned.", valueName: "outcome"))
    var outcome: [String] = []
    @Flag(name: .long, help: "Only requests turned away: refused and timed-out.") var refusals = false
    @Flag(name: .long, help: "Only queue waits: queued, admitted, cancelled, abandoned.") var waits = false
    @Flag(name: .long, help: "Keep printing new rows as they come (one JSON object per line with --json).")
    var follow = false

    func validate() throws {
        guard limit >= -1 else { throw ValidationError("--limit must be a number of rows, or -1 for all") }
    }

    func run() throws {
        let outcomes = try wanted()
        let reg = try follow ? registry.openOnceItExists() : registry.open(create: false)
        var cutoff = since.map { TimeText.nowMs() - $0.milliseconds } ?? 0
        var rows = try Failure.map { try reg.conflictLog(sinceMs: cutoff, limit: limit, outcomes: outcomes) }
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
                printedAtCutoff = last.lastMs == cutoff ? rows.count : rows.filter { $0.lastMs == last.lastMs }.count
                cutoff = last.lastMs
            }
            fflush(nil)                      // all streams: stdout is a pipe when followed by a tool
            usleep(500_000)
            rows = try Failure.map { try reg.conflictLog(sinceMs: cutoff, limit: limit, outcomes: outcomes) }
        }
    }

    /// The outcomes asked for (empty: all).
    private func wanted() throws -> Set<ConflictOutcome> {
        var wanted: Set<ConflictOutcome> = []
        if refusals { wanted.formUnion(ConflictOutcome.refusals) }
        if waits { wanted.formUnion(ConflictOutcome.waits) }
        for name in outcome.flatMap({ $0.split(separator: ",").map(String.init) }) {
            wanted.insert(try Failure.map { try ConflictOutcome(named: name) })
        }
        return wanted
    }

    private func show(_ rows: [ConflictLogEntry], header: Bool) {
        if rows.isEmpty && header {
            print("no conflicts")
            return
        }
        let table = rows.map { row in
            [TimeText.time(row.lastMs), row.taskID, row.conflict.requested.description, row.conflict.held.description,
             row.conflict.holderTaskID, row.policy.rawValue, row.outcome.rawValue,
             row.waitedMs > 0 ? TimeText.span(row.waitedMs) : "-",
             row.count > 1 ? "\(row.count) since \(TimeText.time(row.atMs))" : "1"]
        }
        Table.print(header ? ["TIME (UTC)", "TASK", "WANTED", "HELD", "BY", "POLICY", "OUTCOME", "WAITED", "N"] : [],
                    table)
    }
}
