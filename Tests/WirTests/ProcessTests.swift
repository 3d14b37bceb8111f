import Foundation
import Testing
import WirEngine
@testable import WirHost
@testable import WirRegistry

/// Real processes on a real registry file.
@Suite struct ProcessTests {
    let dir = TempDir()

    @Test func aKilledHoldersClaimIsReapedByTheNextClaim() throws {
        let registryPath = dir.file("registry.db")
        let target = dir.file("state.json")
        let holder = try Child(BuiltProducts.probe, ["hold", registryPath, "holder", target])
        #expect(holder.readLine().hasPrefix("held "))

        let registry = try Registry(path: registryPath)
        let refused = try registry.claim(ClaimSpec(taskID: "next", writes: [target]))
        guard case .refused(let conflicts) = refused.result else {
            Issue.record("the live holder must block: \(refused.result)")
            return
        }
        #expect(conflicts.map(\.holderTaskID) == ["holder"])
        #expect(conflicts.first?.holderPID == holder.pid)

        holder.stop()
        let admitted = try registry.claim(ClaimSpec(taskID: "next", writes: [target]))
        guard case .admitted = admitted.result else {
            Issue.record("the dead holder must be reaped at once: \(admitted.result)")
            return
        }
    }

    /// A process whose first thread has exited while another runs on shows its
    /// first thread as a zombie in /proc; it is alive, and keeps its claim until
    /// every thread is gone.
    @Test func aProcessWhoseFirstThreadExitedIsStillAlive() throws {
        let registryPath = dir.file("registry.db")
        let target = dir.file("state.json")
        let holder = try Child(BuiltProducts.probe, ["hold-main-exits", registryPath, "holder", target])
        #expect(holder.readLine().hasPrefix("held "))
        var leaderGone = false
        for _ in 0..<500 where !leaderGone {
            let state = SystemFiles.read("/proc/\(holder.pid)/stat").map { $0[$0.index(after: $0.lastIndex(of: ")")!)...] }
            leaderGone = state?.hasPrefix(" Z") ?? false
            if !leaderGone { usleep(10_000) }
        }
        #expect(leaderGone, "the first thread should show as a zombie")
        let registry = try Registry(path: registryPath)
        guard case .refused(let conflicts) = try registry.claim(ClaimSpec(taskID: "next", writes: [target])).result else {
            Issue.record("a process with a live thread must keep its claim")
            return
        }
        #expect(conflicts.map(\.holderTaskID) == ["holder"])
        holder.stop()
        guard case .admitted = try registry.claim(ClaimSpec(taskID: "next", writes: [target])).result else {
            Issue.record("once every thread is gone, the claim must be reaped")
            return
        }
    }

    /// Processes that open a registry file nobody has created yet, all at once,
    /// must all get a working registry (the WAL switch needs an exclusive lock).
    @Test func manyProcessesCanCreateTheRegistryTogether() throws {
        for round in 0..<3 {
            let registryPath = dir.file("fresh-\(round).db")
            let holders = try (0..<8).map { index in
                try Child(BuiltProducts.probe, ["hold", registryPath, "task-\(index)", dir.file("file-\(index)")])
            }
            for holder in holders {
                #expect(holder.readLine().hasPrefix("held "))
            }
            holders.forEach { $0.stop() }
        }
    }

    @Test func aZombieIsDead() throws {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sleep"), strdup("60"), nil]
        defer { argv.forEach { free($0) } }
        #expect(posix_spawn(&pid, "/bin/sleep", nil, nil, argv, environ) == 0)
        let owner = try #require(ProcessIdentity.owner(pid: pid))
        #expect(LocalLiveness().status(of: owner) == .alive)
        kill(pid, SIGKILL)
        var zombie = false
        for _ in 0..<200 where !zombie {       // not waited for yet: it lingers as a zombie
            zombie = ProcessIdentity.stat(of: pid)?.isZombie ?? false
            usleep(5000)
        }
        #expect(zombie)
        #expect(LocalLiveness().status(of: owner) == .dead)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        #expect(LocalLiveness().status(of: owner) == .dead)
    }

    @Test func aReusedPidIsNotTheOwner() throws {
        let me = try #require(ProcessIdentity.owner(pid: getpid()))
        let liveness = LocalLiveness()
        #expect(liveness.status(of: me) == .alive)
        var reused = me
        reused.startTime += 1          // same pid, a different process
        #expect(liveness.status(of: reused) == .dead)
        var earlierBoot = me
        earlierBoot.bootID = "an-earlier-boot"
        #expect(liveness.status(of: earlierBoot) == .dead)
        // Shared across hosts (PostgreSQL), the same host name with another boot
        // id may be another machine: judged by its lease, never reaped as dead.
        #expect(LocalLiveness(sharedAcrossHosts: true).status(of: earlierBoot) == .remote)
        #expect(LocalLiveness(sharedAcrossHosts: true).status(of: reused) == .dead)
        var remote = me
        remote.host = "some-other-host"
        #expect(liveness.status(of: remote) == .remote)
    }

    @Test func aClaimOwnedByAnotherPidEndsWhenThatProcessDies() throws {
        let registry = try Registry(path: dir.file("registry.db"))
        let sleeper = try Child("/bin/sleep", ["60"])
        let held = try registry.claim(ClaimSpec(taskID: "script", writes: [dir.file("out")], ownerPID: sleeper.pid))
        guard case .admitted(let record, _, _) = held.result else { Issue.record("\(held.result)"); return }
        #expect(record.owner.pid == sleeper.pid)
        sleeper.stop()
        let reaped = try registry.reap()
        #expect(reaped.map { "\($0.0.taskID):\($0.1.rawValue)" } == ["script:owner-dead"])
    }

    /// Four processes race for overlapping write sets over one tree; each
    /// holder takes non-blocking flocks on witness files for what it claimed.
    @Test func racingProcessesNeverHoldOverlappingPathsAtOnce() throws {
        let registryPath = dir.file("registry.db")
        let root = dir.file("tree")
        let witness = dir.file("witness")
        try FileManager.default.createDirectory(atPath: witness, withIntermediateDirectories: true)
        let racers = try (0..<4).map { index in
            try Child(BuiltProducts.probe, ["race", registryPath, root, witness, "150", "\(index + 1)"])
        }
        let outputs = racers.map { racer -> String in
            let (status, output) = racer.finish()
            #expect(status == 0, "\(output)")
            return output
        }
        let sums = totals(outputs)
        let admitted = sums["admitted"] ?? 0, refused = sums["refused"] ?? 0, violations = sums["violations"] ?? -1
        #expect(violations == 0)
        #expect(admitted + refused == 600)
        #expect(admitted > 0 && refused > 0, "the race must really contend: \(admitted) admitted, \(refused) refused")
    }
}
