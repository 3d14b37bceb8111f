import CWir
import Foundation
import Testing
import WirEngine
@testable import WirHost
@testable import WirPostgres
@testable import WirRegistry

/// Real processes on one PostgreSQL registry, presenting different hosts
/// through `WIR_HOST_ID`: kill -9 of holders here and "elsewhere", racing
/// hosts with a flock witness, a queue hand-off, and the C API and CLI
/// pointed at a URL.
@Suite(.enabled(if: PostgresTestServer.isConfigured, "WIR_TEST_POSTGRES names no PostgreSQL server"))
struct PostgresProcessTests {
    let schema = ScratchSchema("proc")
    let dir = TempDir()

    @Test func aKilledHolderOnAnotherHostLapsesByItsLeaseOnly() throws {
        let target = dir.file("state.json")
        let holder = try Child(BuiltProducts.probe, ["hold-ttl", schema.url, "remote", "1500", target],
                               environment: ["WIR_HOST_ID": "host-elsewhere"])
        #expect(holder.readLine().hasPrefix("held "))
        holder.stop()                                           // kill -9: its pid says nothing to another host

        // Queued, the claim is admitted once the lease (1.5 s by the server's clock) has run out.
        let registry = try Registry(path: schema.url)
        let admitted = try registry.claim(ClaimSpec(taskID: "next", writes: [target], policy: .queue, timeoutMs: 60_000))
        guard case .admitted(let record, _, _) = admitted.result else {
            Issue.record("the lapsed lease must free the path: \(admitted.result)")
            return
        }
        let history = try registry.history()
        #expect(history.map { "\($0.claim.taskID):\($0.reason.rawValue)" } == ["remote:expired"],
                "ended by its lease, not judged dead")
        #expect(history.first?.claim.owner.host == "host-elsewhere")
        let leaseEnd = history.first.map { $0.claim.createdMs + 1500 } ?? .max
        #expect(record.createdMs >= leaseEnd, "admitted no earlier than the lease's end (by the server's clock)")
    }

    /// A handle's queued claims, one after another, share one listener connection
    /// (kept in a pool between waits) instead of opening a server session per wait.
    @Test func sequentialWaitsReuseOneListenConnection() throws {
        let holder = try Registry(path: schema.url), waiter = try Registry(path: schema.url)
        let monitor = try PostgresConnection(location: PostgresLocation(schema.url))
        func listeners() throws -> Int64 {
            try monitor.query("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1",
                              [PostgresConnection.sessionName("listen", monitor.location)]).first?.int64(0) ?? -1
        }
        for round in 0..<3 {
            let held = try holder.claim(ClaimSpec(taskID: "holder", writes: ["/q/state.json"]))
            guard case .admitted(let record, _, _) = held.result else { Issue.record("\(held.result)"); return }
            let done = DispatchSemaphore(value: 0)
            nonisolated(unsafe) var outcome: ClaimDecision?
            Thread {
                outcome = try? waiter.claim(ClaimSpec(taskID: "waiter", writes: ["/q/state.json"], policy: .queue,
                                                      timeoutMs: 30_000)).result
                done.signal()
            }.start()
            while try waiter.inFlight().waiters.isEmpty { usleep(2_000) }
            try holder.release(taskID: "holder", key: record.key, outcome: .completed)
            done.wait()
            guard case .admitted(let admitted, _, _)? = outcome else {
                Issue.record("round \(round): \(String(describing: outcome))")
                return
            }
            try waiter.release(taskID: "waiter", key: admitted.key, outcome: .completed)
            #expect(try listeners() == 1, "round \(round): one pooled listener session")
        }
    }

    @Test func aKilledHolderOnThisHostIsReapedAtOnce() throws {
        let target = dir.file("state.json")
        let holder = try Child(BuiltProducts.probe, ["hold", schema.url, "local", target],
                               environment: ["WIR_HOST_ID": ProcessIdentity.hostName])
        #expect(holder.readLine().hasPrefix("held "))
        let registry = try Registry(path: schema.url)
        guard case .refused(let conflicts) = try registry.claim(ClaimSpec(taskID: "next", writes: [target])).result else {
            Issue.record("a live holder must block")
            return
        }
        #expect(conflicts.first?.holderPID == holder.pid)
        holder.stop()
        guard case .admitted = try registry.claim(ClaimSpec(taskID: "next", writes: [target])).result else {
            Issue.record("a dead holder on this host must be reaped at once")
            return
        }
        #expect(try registry.history().map { "\($0.claim.taskID):\($0.reason.rawValue)" } == ["local:owner-dead"])
    }

    /// Four processes, each presenting a host of its own, race for overlapping
    /// directory and file claims; a flock witness catches any overlap held twice.
    @Test func racingHostsNeverHoldOverlappingPathsAtOnce() throws {
        let root = dir.file("tree"), witness = dir.file("witness")
        try FileManager.default.createDirectory(atPath: witness, withIntermediateDirectories: true)
        _ = try Registry(path: schema.url)                       // the schema exists before the race
        let racers = try (0..<4).map { index in
            try Child(BuiltProducts.probe, ["race", schema.url, root, witness, "100", "\(index + 11)"],
                      environment: ["WIR_HOST_ID": "racer-\(index)"])
        }
        let outputs = racers.map { racer -> String in
            let (status, output) = racer.finish()
            #expect(status == 0, "\(output)")
            return output
        }
        let sums = totals(outputs)
        #expect(sums["violations"] == 0)
        #expect((sums["admitted"] ?? 0) + (sums["refused"] ?? 0) == 400)
        #expect((sums["admitted"] ?? 0) > 0 && (sums["refused"] ?? 0) > 0, "the race must really contend: \(sums)")
    }

    /// A waiter on another "host" is admitted after the holder releases (NOTIFY
    /// wakes it; its timed re-check would too, later), and the log says it waited.
    @Test func aQueuedClaimOnAnotherHostIsAdmittedWhenTheHolderReleases() throws {
        let target = dir.file("out.jsonl")
        let registry = try Registry(path: schema.url)
        guard case .admitted(let held, _, _) = try registry.claim(ClaimSpec(taskID: "holder", writes: [target])).result
        else { Issue.record("must be admitted"); return }
        let waiter = try Child(BuiltProducts.probe, ["queue", schema.url, "waiter", "0", "60000", target],
                               environment: ["WIR_HOST_ID": "host-b"])
        #expect(waiter.readLine() == "queued waiter")
        try registry.release(taskID: "holder", key: held.key, outcome: .completed)
        let (status, output) = waiter.finish()
        #expect(status == 0 && output.hasPrefix("admitted waiter"), "\(output)")
        #expect(try registry.conflictLog().map(\.outcome) == [.admitted])
    }

    @Test func theCAPIOpensAURL() throws {
        var reg: OpaquePointer?
        #expect(wir_open(&reg, schema.url) == WIR_OK, "\(String(cString: wir_errmsg()))")
        defer { wir_close(reg) }
        #expect(String(cString: wir_registry_path(reg)) == schema.url)
        var reaped = -1
        #expect(wir_reap(&reaped, reg) == WIR_OK && reaped == 0)
        var bad: OpaquePointer?
        #expect(wir_open(&bad, PostgresTestServer.url(schema: "Not-Valid")) == WIR_EINVAL && bad == nil)
        #expect(wir_open(&bad, "postgresql://127.0.0.1:1/x?connect_timeout=5") == WIR_EIO && bad == nil)
        #expect(String(cString: wir_errmsg()).contains("cannot connect"))
    }

    @Test func theCLIWorksOnAURLFromTheEnvironment() throws {
        let cli = CLITests()
        let env = ["WIR_REGISTRY": schema.url, "WIR_HOST_ID": "cli-host"]
        let claimed = try cli.wir(["claim", "--writes", dir.file("a"), "--task", "cli-task"], environment: env)
        #expect(claimed.status == 0, "\(claimed.err)")
        let listed = try cli.wir(["ls", "--json"], environment: env)
        #expect(listed.out.contains("\"task_id\":\"cli-task\"") && listed.out.contains("cli-host"), "\(listed.out)")
        let refused = try cli.wir(["run", "--writes", dir.file("a"), "--", "/bin/true"], environment: env)
        #expect(refused.status == 75 && refused.err.contains("cli-task"), "\(refused.err)")
        let doctor = try cli.wir(["doctor", "--registry", schema.url])
        #expect(doctor.status == 0 && doctor.out.contains(schema.name), "\(doctor.out)")
        let forced = try cli.wir(["release", "cli-task", "--force"], environment: env)
        #expect(forced.status == 0, "\(forced.err)")
    }
}
