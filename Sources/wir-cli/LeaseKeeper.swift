#if canImport(Glibc)
import Glibc
#endif
import WirEngine
import WirHost
import WirRegistry

/// Watches `wir run`'s claim while the command runs: looks every quarter
/// second whether it still holds, renews its lease (every third of its TTL,
/// or of the host lease for a claim held while its owners live), and when the
/// claim is lost applies the loss policy to the command's process group. Each
/// look and renewal is bounded by the lease (`Registry.renew`): a claim whose
/// lease could not be renewed before it ends, say on a stuck server, is lost.
final class LeaseKeeper: @unchecked Sendable {
    private let registry: Registry
    private let record: ClaimRecord
    private let lease: HolderLease
    private let group: pid_t
    private let policy: LossPolicy
    private let killAfterMs: Int64
    private let stopped = StopSignal()
    private var lostFlag = false
    /// How often the claim is looked at.
    static let checkMs: Int64 = 250

    init(registry: Registry, record: ClaimRecord, lease: HolderLease, group: pid_t, policy: LossPolicy,
         killAfterMs: Int64) {
        self.registry = registry
        self.record = record
        self.lease = lease
        self.group = group
        self.policy = policy
        self.killAfterMs = killAfterMs
    }

    /// True once the claim was found lost.
    var lost: Bool { stopped.withLock { lostFlag } }

    func start() {
        let renewEvery = max(Self.checkMs, record.renewalLeaseMs / 3)
        BackgroundThread.start { [self] in
            var lease = self.lease
            var lastRenewal = MonotonicClock.nowMs()
            while !waitStopped(ms: Self.checkMs) {
                do {
                    if MonotonicClock.nowMs() - lastRenewal >= renewEvery {
                        _ = try registry.renew(&lease, taskID: record.taskID, key: record.key)
                        lastRenewal = MonotonicClock.nowMs()
                    } else {
                        try registry.check(lease, taskID: record.taskID, key: record.key)
                    }
                } catch let error as WirError where error.code == .lost {
                    onLoss(error.message, judgedByLease: lease.isOver(atMs: MonotonicClock.bootMs()))
                    return
                } catch {
                    continue                     // busy, or the server is away: look again next time
                }
            }
        }
    }

    /// Says why, then stops the command as the policy says (saying it first: wir run
    /// exits once the command has). A loss judged by the lease is explained by
    /// `message`, with no call to a registry that may not answer; one the registry
    /// reported, by the history (a forced release says who).
    private func onLoss(_ message: String, judgedByLease: Bool) {
        stopped.withLock { lostFlag = true }
        let why = judgedByLease ? message
            : (try? registry.history(limit: 100_000).last { $0.claim.taskID == record.taskID })
                .map { $0.reason == .forced ? "forced release by \($0.forcedBy)" : $0.reason.rawValue }
                ?? (message.isEmpty ? "ended" : message)
        switch policy {
        case .warn:
            Failure.say("wir: WARNING: task '\(record.taskID)' LOST its claim while the command runs (\(why)); "
                        + "others may now write its paths")
        case .term, .kill:
            Failure.say("wir: task '\(record.taskID)' lost its claim while the command runs (\(why)); "
                        + "sending \(policy == .term ? "SIGTERM" : "SIGKILL") to its process group \(group)")
            kill(-group, policy == .term ? SIGTERM : SIGKILL)
            guard policy == .term else { return }
            if !waitStopped(ms: killAfterMs) && ProcessIdentity.groupExists(group) {
                Failure.say("wir: task '\(record.taskID)': the command's group outlived SIGTERM by "
                            + "\(TimeText.span(killAfterMs)); sending SIGKILL")
                kill(-group, SIGKILL)
            }
        }
    }

    /// Sleeps `ms` unless stopped first; true when stopped.
    private func waitStopped(ms: Int64) -> Bool { stopped.sleep(ms: ms) }

    func stop() { stopped.stop() }
}
