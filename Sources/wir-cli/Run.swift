import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import WirEngine
import WirRegistry

/// `wir run`: claim, run a command as a child under the claim, release.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a command under a claim on the paths it will write.",
        discussion: """
            Claims the paths, runs the command with WIR_TASK_ID and WIR_TOKEN in its environment, renews \
            the lease while it runs, and releases it as completed (exit 0), failed (non-zero) or cancelled \
            (killed by a signal). INT, TERM and HUP are passed on to the command. Exits with the command's \
            status (128+N for signal N); when refused or timed out, runs nothing, says who holds what and \
            exits 75.
            """)

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var claim: ClaimOptions

    @Argument(parsing: .postTerminator, help: ArgumentHelp("The command and its arguments, after --.",
                                                           valueName: "command"))
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("missing command after --") }
    }

    func run() throws {
        // The forwarded signals are blocked here and taken by sigwait in a
        // thread of our own; the child starts with them unblocked.
        var forwarded = sigset_t()
        sigemptyset(&forwarded)
        for signal in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&forwarded, signal) }
        pthread_sigmask(SIG_BLOCK, &forwarded, nil)

        let reg = try registry.open()
        let relay = SignalRelay(signals: forwarded, registry: reg)
        let outcome: ClaimOutcome
        do {
            outcome = try Failure.map { try reg.claim(claim.spec(), whileQueued: Progress.reporter()) }
        } catch {
            if let signal = relay.received { throw ExitCode(128 + signal) }   // interrupted while queued
            throw error
        }
        let (record, _, warnings) = try Failure.admitted(outcome)
        if !warnings.isEmpty {
            Failure.say("wir: warning: task '\(record.taskID)' admitted despite \(warnings.count) overlap(s) "
                        + "(policy warn); first: \(warnings[0].held.description) held by '\(warnings[0].holderTaskID)'")
        }

        let child: pid_t
        do {
            child = try Child.spawn(command, environment: [
                "WIR_TASK_ID": record.taskID, "WIR_TOKEN": "\(record.token)", "WIR_REGISTRY": reg.path,
            ])
        } catch {
            try? reg.release(taskID: record.taskID, key: record.key, outcome: .failed)
            Failure.say("wir: cannot run '\(command[0])': \(error)")
            throw ExitCode(127)
        }
        relay.forward(to: child)
        let lease = LeaseKeeper(registry: reg, record: record)
        lease.start()
        let status = Child.wait(child)
        lease.stop()

        let reason: ReleaseOutcome = status.signal != nil ? .cancelled : (status.code == 0 ? .completed : .failed)
        do {
            try reg.release(taskID: record.taskID, key: record.key, outcome: reason)
        } catch let error as WirError where error.code == .lost {
            Failure.say("wir: WARNING: task '\(record.taskID)' had lost its claim before the command ended; "
                        + "others may have written the same paths")
        }
        throw ExitCode(status.signal.map { 128 + $0 } ?? status.code)
    }
}
