import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import WirEngine
import WirHost
import WirRegistry

/// How errors leave the command: one line on stderr and a sysexits code.
enum Failure {
    static let usage: Int32 = 64       // EX_USAGE
    static let noInput: Int32 = 66     // EX_NOINPUT: no registry there, for a command that only reads
    static let ioError: Int32 = 74     // EX_IOERR
    static let tempFail: Int32 = 75    // EX_TEMPFAIL
    static let noPermission: Int32 = 77 // EX_NOPERM
    static let unconfigured: Int32 = 78 // EX_CONFIG

    /// Runs `body`, turning a WirError into a one-line message and an exit code.
    static func map<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as WirError {
            say("wir: \(error.message)")
            throw ExitCode(code(for: error.code))
        }
    }

    static func code(for code: WirError.Code) -> Int32 {
        switch code {
        case .invalidArgument, .unresolvablePath: return usage
        case .noRegistry: return noInput
        case .conflict, .timedOut, .busy, .cancelled, .deadlock: return tempFail
        case .io, .gone, .corrupt, .schema: return ioError
        case .wrongKey, .taskInUse: return noPermission
        case .unsupported: return unconfigured
        default: return 1
        }
    }

    /// Writes a line to stderr, unbuffered, with what could act on a terminal
    /// escaped (`TerminalText`): messages name tasks, hosts and paths from a
    /// shared registry.
    static func say(_ line: String) {
        let bytes = Array((TerminalText.escaped(line) + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }

    /// `WIR_REFUSED_EXIT`: the exit status for a refusal or timeout (default 75).
    static func refusedExitFromEnvironment() throws -> Int32 {
        guard let text = Environment.value("WIR_REFUSED_EXIT") else { return tempFail }
        guard let status = Int32(text), (0...255).contains(status) else {
            say("wir: WIR_REFUSED_EXIT='\(text)' is not an exit status (0 to 255)")
            throw ExitCode(usage)
        }
        return status
    }

    /// The admitted claim of `outcome`; a refusal or timeout says who holds
    /// what and exits with `refusedExit`.
    static func admitted(_ outcome: ClaimOutcome, refusedExit: Int32) throws
        -> (ClaimRecord, [PathEntry], ConflictReport) {
        switch outcome.result {
        case .admitted(let record, let entries, let warnings): return (record, entries, warnings)
        case .refused(let conflicts): throw refused(outcome.taskID, conflicts, timedOut: false, exit: refusedExit)
        case .timedOut(let conflicts): throw refused(outcome.taskID, conflicts, timedOut: true, exit: refusedExit)
        }
    }

    /// Prints who holds what, for a refusal or a timeout, and fails with `exit`.
    static func refused(_ taskID: String, _ conflicts: ConflictReport, timedOut: Bool, exit: Int32) -> ExitCode {
        say("wir: task '\(taskID)' \(timedOut ? "timed out waiting" : "refused"): "
            + "\(conflicts.isComplete ? "" : "at least ")\(conflicts.total) overlap\(conflicts.total == 1 ? "" : "s")"
            + (conflicts.total > conflicts.count ? " (the first \(conflicts.count) listed)" : ""))
        for conflict in conflicts {
            let holder = conflict.holderIsWaiting ? "queued ahead" : "held"
            let expiry = conflict.holderWhileAlive ? ", held while its owners live"
                : conflict.holderExpiresMs > 0 ? ", lease ends \(TimeText.relative(conflict.holderExpiresMs))" : ""
            say("  \(conflict.requested.description) overlaps \(conflict.held.description), \(holder) by task "
                + "'\(conflict.holderTaskID)' (pid \(conflict.holderPID) on \(conflict.holderHost)\(expiry))")
        }
        return ExitCode(exit)
    }
}
