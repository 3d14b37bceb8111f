import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import WirEngine
import WirHost
import WirRegistry

/// `wir run`: claim, run a command in a process group of its own under the
/// claim, release.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a command under a claim on the paths it will write.",
        discussion: """
            Claims the paths and runs the command in a process group of its own, with WIR_TASK_ID, WIR_KEY, \
            WIR_TOKEN and WIR_REGISTRY in its environment (a wir run or wir claim inside it makes a sub-claim). \
            The claim is owned by wir run and by the command's group: it lasts while either lives (kill -9 of \
            wir run leaves it with the command), with no lease unless --ttl gives one, which wir run renews. \
            When the command ends the claim is released as completed (exit 0), failed (non-zero) or cancelled \
            (a signal); if processes of its group still run, it stays with them until they end. INT, TERM and \
            HUP are passed on to the group; on a terminal the group is the foreground job. If the claim is \
            lost while the command runs, --on-lost decides (default: SIGTERM to the group, SIGKILL after \
            --kill-after) and wir run exits 69. Otherwise it exits with the command's status (128+N for \
            signal N). When refused or timed out it runs nothing, says who holds what and exits 75 \
            (--refused-exit, or $WIR_REFUSED_EXIT). With --confine the command (and everything it starts) may \
            write only where its claim allows, enforced by the kernel (Landlock): beneath its write entries (for \
            a file, regular files in its directory), --allow-write paths, a private $TMPDIR removed afterwards, \
            the registry's files and the terminal; reads are not restricted. A kernel that cannot enforce it \
            all runs nothing and exits 78, unless --confine=best-effort.
            """)

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var claim: ClaimOptions
    @OptionGroup var confine: ConfineOptions

    @Option(name: .long, help: ArgumentHelp("When the claim is lost while the command runs: term, kill or warn.",
                                            valueName: "policy"))
    var onLost: LossPolicy = .term

    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("After --on-lost term, how long until SIGKILL (default: 10s).", valueName: "duration"),
            transform: Duration.parse)
    var killAfter: Duration = Duration(milliseconds: 10_000)

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("The exit status when refused or timed out (default 75, or $WIR_REFUSED_EXIT).",
                                            valueName: "n"))
    var refusedExit: Int32?

    @Argument(parsing: .postTerminator, help: ArgumentHelp("The command and its arguments, after --.",
                                                           valueName: "command"))
    var command: [String] = []

    /// The exit status when the claim was lost while the command ran.
    static let lostExit: Int32 = 69

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("missing command after --") }
        if let refusedExit, !(0...255).contains(refusedExit) { throw ValidationError("--refused-exit must be 0 to 255") }
    }

    func run() throws {
        let refused = try refusedExit ?? Failure.refusedExitFromEnvironment()
        // The forwarded signals are blocked here and taken by sigwait in a
        // thread of our own; the child starts with them unblocked.
        var forwarded = sigset_t()
        sigemptyset(&forwarded)
        for signal in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&forwarded, signal) }
        pthread_sigmask(SIG_BLOCK, &forwarded, nil)

        let reg = try registry.open()
        // Whether the kernel can confine is known before anything is claimed or made.
        let mode = try Failure.map { try reg.confineMode(requested: confine.confine) }
        guard mode != .off || confine.allowWrites.isEmpty else {
            Failure.say("wir: --allow-write needs --confine (or WIR_CONFINE, or the registry's confine setting)")
            throw ExitCode(Failure.usage)
        }
        var temp: PrivateTemp?
        if mode != .off {
            if let shortfall = try Failure.map({ try Confinement.support(for: mode) }).shortfall {
                Failure.say("wir: warning: confined as far as the kernel can (best-effort): \(shortfall)")
            }
            temp = try Failure.map { try PrivateTemp() }
        }
        var spec = claim.spec(defaultTTL: ClaimSpec.whileAlive)
        spec.allowWrites = confine.allowWrites + (temp.map { [$0.path] } ?? [])
        let relay = SignalRelay(signals: forwarded, registry: reg)
        let admitted: (ClaimRecord, [PathEntry], ConflictReport)
        let lease: HolderLease
        do {
            let outcome = try Failure.map { try reg.claim(spec, whileQueued: Progress.reporter()) }
            admitted = try Failure.admitted(outcome, refusedExit: refused)
            lease = outcome.lease ?? .unknown
        } catch {
            temp?.remove()
            if let signal = relay.received { throw ExitCode(128 + signal) }   // interrupted while queued
            throw error
        }
        let (record, entries, warnings) = admitted
        if !warnings.isEmpty {
            Failure.say("wir: warning: task '\(record.taskID)' admitted despite \(warnings.count) overlap(s) "
                        + "(policy warn); first: \(warnings[0].held.description) held by '\(warnings[0].holderTaskID)'")
        }

        // The ruleset is built here and applied by the child after the gate, before exec.
        let confinement: Confinement?
        do {
            confinement = try Failure.map {
                mode == .off ? nil : try reg.confinement(entries: entries, allowWrites: record.allowWrites, mode: mode)
            }
        } catch {
            try? reg.release(taskID: record.taskID, key: record.key, outcome: .failed)
            temp?.remove()
            throw error
        }
        let child: Child
        do {
            var environment = ["WIR_TASK_ID": record.taskID, "WIR_KEY": record.key, "WIR_TOKEN": "\(record.token)",
                               "WIR_REGISTRY": reg.path]
            environment["TMPDIR"] = temp?.path
            child = try Child(command, environment: environment, ruleset: confinement?.rulesetDescriptor ?? -1)
            // The group owns the claim before the command runs: kill -9 of wir run from here on
            // leaves the claim with the command.
            try reg.addOwner(taskID: record.taskID, key: record.key, pid: child.pid, group: true)
        } catch {
            try? reg.release(taskID: record.taskID, key: record.key, outcome: .failed)
            temp?.remove()
            Failure.say("wir: cannot run '\(command[0])': \((error as? WirError)?.message ?? "\(error)")")
            throw ExitCode(127)
        }
        let jobs = JobControl()
        jobs.give(to: child.pid)
        relay.forward(to: -child.pid)
        let keeper = LeaseKeeper(registry: reg, record: record, lease: lease, group: child.pid, policy: onLost,
                                 killAfterMs: killAfter.milliseconds)
        keeper.start()
        child.open()
        let status = child.wait { jobs.stopped(child.pid) }
        keeper.stop()
        jobs.reclaim()
        try finish(reg, record, group: child.pid, status: status, lost: keeper.lost, temp: temp)
    }

    /// Releases the claim as the command ended, or leaves it (and the private
    /// temporary directory) to what still runs in its group; exits with the
    /// command's status (69 if it was lost).
    private func finish(_ reg: Registry, _ record: ClaimRecord, group: pid_t, status: Child.Status, lost: Bool,
                        temp: PrivateTemp?) throws {
        let exit = ExitCode(status.signal.map { 128 + $0 } ?? status.code)
        if !lost, ProcessIdentity.groupExists(group) {
            let left = ProcessIdentity.members(ofGroup: group).map(String.init).joined(separator: ", ")
            Failure.say("wir: task '\(record.taskID)': the command ended but processes of its group still run "
                        + "(\(left)); the claim stays with them until they end"
                        + (temp.map { ", and so does its TMPDIR \($0.path)" } ?? ""))
            if (try? reg.removeOwner(taskID: record.taskID, key: record.key, pid: getpid())) != nil { throw exit }
        }
        temp?.remove()
        let reason: ReleaseOutcome = status.signal != nil ? .cancelled : (status.code == 0 ? .completed : .failed)
        do {
            try reg.release(taskID: record.taskID, key: record.key, outcome: reason)
        } catch let error as WirError where error.code == .lost {
            if !lost {
                Failure.say("wir: WARNING: task '\(record.taskID)' had lost its claim before the command ended; "
                            + "others may have written the same paths")
            }
            throw ExitCode(Self.lostExit)
        }
        throw lost ? ExitCode(Self.lostExit) : exit
    }
}
