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

        let reason: EndReason = status.signal != nil ? .cancelled : (status.code == 0 ? .completed : .failed)
        do {
            try reg.release(taskID: record.taskID, key: record.key, outcome: reason)
        } catch let error as WirError where error.code == .lost {
            Failure.say("wir: WARNING: task '\(record.taskID)' had lost its claim before the command ended; "
                        + "others may have written the same paths")
        }
        throw ExitCode(status.signal.map { 128 + $0 } ?? status.code)
    }
}

/// Renews a claim's lease every third of its TTL while the command runs, and
/// says loudly on stderr if the claim is lost.
final class LeaseKeeper: @unchecked Sendable {
    private let registry: Registry
    private let record: ClaimRecord
    private let stopped = NSCondition()
    private var done = false
    private var thread: Thread?

    init(registry: Registry, record: ClaimRecord) {
        self.registry = registry
        self.record = record
    }

    func start() {
        let interval = max(0.05, Double(record.ttlMs) / 3000)
        let thread = Thread { [self] in
            while !self.waitStopped(seconds: interval) {
                do {
                    _ = try registry.heartbeat(taskID: record.taskID, key: record.key)
                } catch let error as WirError where error.code == .lost {
                    Failure.say("wir: WARNING: task '\(record.taskID)' LOST its claim while the command runs "
                                + "(its lease lapsed or it was reaped); others may now write its paths")
                    return
                } catch {
                    continue                     // busy: try again at the next beat
                }
            }
        }
        self.thread = thread
        thread.start()
    }

    private func waitStopped(seconds: Double) -> Bool {
        stopped.lock()
        defer { stopped.unlock() }
        if !done { _ = stopped.wait(until: Date(timeIntervalSinceNow: seconds)) }
        return done
    }

    func stop() {
        stopped.lock()
        done = true
        stopped.signal()
        stopped.unlock()
    }
}

/// Spawning and waiting for the command.
enum Child {
    struct Status { var code: Int32; var signal: Int32? }

    static func spawn(_ command: [String], environment extra: [String: String]) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var environment = ProcessInfo.processInfo.environment
        for (name, value) in extra { environment[name] = value }
        let argv = command.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, command[0], nil, &attributes, argv, envp)
        guard rc == 0 else { throw WirError(.invalidArgument, String(cString: strerror(rc))) }
        return pid
    }

    static func wait(_ child: pid_t) -> Status {
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? Status(code: (status >> 8) & 0xff, signal: nil) : Status(code: 0, signal: signal)
    }
}

/// Takes INT, TERM and HUP (blocked in every thread) with sigwait: before the
/// command runs, a signal cancels a queued claim; after, it is passed on.
final class SignalRelay: @unchecked Sendable {
    private let lock = NSLock()
    private var child: pid_t = 0
    private var signal: Int32?

    init(signals: sigset_t, registry: Registry) {
        let thread = Thread { [self] in
            var waiting = signals
            var caught: Int32 = 0
            while sigwait(&waiting, &caught) == 0 {
                let target: pid_t = lock.withLock {
                    if child == 0 && signal == nil { signal = caught }
                    return child
                }
                if target > 0 { kill(target, caught) } else { registry.cancel() }
            }
        }
        thread.start()
    }

    /// The signal that arrived before the command started, if any.
    var received: Int32? { lock.withLock { signal } }

    func forward(to pid: pid_t) { lock.withLock { child = pid } }
}

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
            Failure.say("wir: queued \(Table.span(waited)): waiting for \(holders.joined(separator: ", ")) "
                        + "on \(paths.joined(separator: ", "))")
        }
    }
}
