#if canImport(Glibc)
import Glibc
#endif
import WirEngine

/// While a claim waits in the queue on a terminal: who it waits for, on what, for how long.
enum Progress {
    static func reporter() -> ((Int64, [Conflict], Int64) -> Void)? {
        guard isatty(2) == 1 else { return nil }
        var shown: Int64 = -1000
        return { _, conflicts, waited in
            guard waited - shown >= 1000 else { return }          // at most once a second
            shown = waited
            let holders = Set(conflicts.map { "'\($0.holderTaskID)' (pid \($0.holderPID))" }).sorted()
            let paths = Set(conflicts.map(\.held.text)).sorted()
            Failure.say("wir: queued \(TimeText.span(waited)): waiting for \(holders.joined(separator: ", ")) "
                        + "on \(paths.joined(separator: ", "))")
        }
    }
}
