import Foundation
import Testing
import WirEngine
@testable import WirHost
@testable import WirPostgres
@testable import WirRegistry

/// A stuck PostgreSQL server: the server processes serving a client are
/// stopped (SIGSTOP), so only the client's own deadlines can notice. Every
/// bound asserted here is generous beside the configured lease and deadline
/// (`WIR_PG_TIMEOUT`): they check that nothing hangs and that the order of
/// events is safe, not how fast anything is.
@Suite(.enabled(if: PostgresTestServer.isConfigured, "WIR_TEST_POSTGRES names no PostgreSQL server"),
       .enabled(if: StoppedBackends.possible, "the test server's processes cannot be signalled from here"))
struct PostgresDeadlineTests: CommandLineTest {
    let schema = ScratchSchema("stuck")
    let dir = TempDir()
    var registry: String { schema.url }

    @Test func aQueryAgainstAStoppedBackendFailsAfterItsDeadline() throws {
        let connection = try PostgresConnection(location: PostgresLocation(schema.url))
        let backends = try StoppedBackends(monitoring: schema.url)
        try backends.stop(connection.backendPID)
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var failure: WirError?
        nonisolated(unsafe) var answered = false
        nonisolated(unsafe) let shared = connection
        Thread {
            do { _ = try shared.query("SELECT 1"); answered = true } catch { failure = error as? WirError }
            done.signal()
        }.start()
        let gaveUp = done.wait(timeout: .now() + 60) == .timedOut
        backends.continueAll()
        if gaveUp { done.wait() }
        #expect(!gaveUp && !answered, "the query must fail after its deadline (10 s by default), not wait for the server")
        #expect(failure?.code == .io)
        #expect(failure?.message.contains("no answer within 10s (WIR_PG_TIMEOUT)") == true, "\(String(describing: failure))")
        #expect(failure?.message.contains("SELECT 1") == true, "names the statement")
        // The connection was abandoned; the next call reconnects to a new server process.
        try connection.ensureConnected()
        #expect(try connection.query("SELECT 1").first?.int64(0) == 1)
    }

    /// A renewal queues behind another call on the same handle only as long as
    /// its lease allows: it gives up at the lease's renewal deadline and reports
    /// the claim lost, while the other call still waits for its stopped server process.
    @Test func aRenewalWaitsForAnotherCallOnItsHandleOnlyAsLongAsItsLeaseAllows() throws {
        let registry = try Registry(path: schema.url)
        let outcome = try registry.claim(ClaimSpec(taskID: "kept", writes: [dir.file("a")], ttlMs: 3000))
        guard case .admitted(let record, _, _) = outcome.result, var lease = outcome.lease else {
            Issue.record("must be admitted: \(outcome.result)")
            return
        }
        let backends = try StoppedBackends(monitoring: schema.url)
        try backends.stop(try #require(registry.store as? PostgresStore).backendPID)
        let done = DispatchSemaphore(value: 0)
        Thread {
            _ = try? registry.inFlight()                        // waits for the stopped server process
            done.signal()
        }.start()
        usleep(300_000)
        var failure: WirError?
        do { _ = try registry.renew(&lease, taskID: "kept", key: record.key) } catch { failure = error as? WirError }
        let otherEndedFirst = done.wait(timeout: .now()) == .success
        backends.continueAll()
        if !otherEndedFirst { done.wait() }
        #expect(failure?.code == .lost, "\(String(describing: failure))")
        #expect(failure?.message.contains("could not renew its lease before it ends") == true)
        #expect(!otherEndedFirst, "the renewal gave up while the other call still waited (10 s, WIR_PG_TIMEOUT)")
    }

    /// The run's renewal cannot finish before its lease ends (the deadline is longer
    /// than the lease), so the run must count the claim lost, and stop its command,
    /// before a rival can be admitted: after the lease's end plus the grace.
    @Test func aStoppedBackendMakesWirRunStopItsCommandBeforeARivalGetsIn() throws {
        let target = dir.file("state.json"), told = dir.file("told"), started = dir.file("started")
        let rival = try Registry(path: schema.url)                  // connected before anything stops
        try rival.setSetting("grace", to: "2s")
        let run = try start(["run", "--task", "runner", "--ttl", "4s", "--writes", target, "--", "sh", "-c",
                             "trap 'date +%s%N > \(told); exit 143' TERM; : > \(started); "
                             + "while :; do sleep 0.05; done"],
                            environment: ["WIR_PG_TIMEOUT": "60s"])
        defer { if run.0.isRunning { kill(run.0.processIdentifier, SIGKILL) } }
        try waitFor(started)
        let backends = try StoppedBackends(monitoring: schema.url)
        let stoppedAtMs = Int64(Date().timeIntervalSince1970 * 1000)
        try backends.stopSessions(of: run.0.processIdentifier)
        let leaseEndMs = try rival.inFlight().claims.first { $0.0.taskID == "runner" }?.0.expiresMs ?? 0

        var admitted: ClaimRecord?
        let giveUp = MonotonicClock.nowMs() + 60_000
        while admitted == nil && MonotonicClock.nowMs() < giveUp {
            if case .admitted(let record, _, _) = try rival.claim(ClaimSpec(taskID: "rival", writes: [target])).result {
                admitted = record
            } else {
                usleep(50_000)
            }
        }
        let exited = waitForExit(run.0, withinMs: 60_000)
        backends.continueAll()
        let result = finish(run)
        let toldMs = (try? String(contentsOfFile: told, encoding: .utf8))
            .flatMap { Int64($0.trimmingCharacters(in: .whitespacesAndNewlines)) }.map { $0 / 1_000_000 }
        #expect(exited, "wir run must not hang on its stopped server process")
        #expect(result.status == 69, "\(result.err)")
        #expect(result.err.contains("lost its claim") && result.err.contains("lease"), "\(result.err)")
        guard let admitted, let toldMs else {
            let rivalIn = admitted == nil ? "it did not" : "it did", commandTold = toldMs == nil ? "it was not" : "it was"
            Issue.record("the rival must get in at last (\(rivalIn)), and the command must be told first (\(commandTold)): \(result.err)")
            return
        }
        #expect(toldMs < admitted.createdMs, """
            told \(toldMs - stoppedAtMs) ms after the stop; the rival was admitted \(admitted.createdMs - stoppedAtMs) ms \
            after it
            """)
        #expect(toldMs <= leaseEndMs + 2000, """
            the command must be told by the time others may have its paths (told \(toldMs - leaseEndMs) ms after the \
            lease's end)
            """)
        print("stuck-server figure: stopped at +0 ms, lease end +\(leaseEndMs - stoppedAtMs) ms, command told "
              + "+\(toldMs - stoppedAtMs) ms, rival admitted +\(admitted.createdMs - stoppedAtMs) ms")
    }

    /// After its command ends, wir run releases the claim and exits, bounded by the
    /// deadline, while the server process that served it is still stopped.
    @Test func wirRunExitsAfterItsCommandEndsWhileItsServerProcessIsStopped() throws {
        let target = dir.file("out.jsonl"), started = dir.file("started")
        let run = try start(["run", "--task", "ends", "--writes", target, "--", "sh", "-c",
                             ": > \(started); while [ ! -e \(dir.file("gate")) ]; do sleep 0.02; done"],
                            environment: ["WIR_PG_TIMEOUT": "3s"])
        defer { if run.0.isRunning { kill(run.0.processIdentifier, SIGKILL) } }
        try waitFor(started)
        let backends = try StoppedBackends(monitoring: schema.url)
        try backends.stopSessions(of: run.0.processIdentifier)
        openGate()
        let exited = waitForExit(run.0, withinMs: 60_000)
        backends.continueAll()
        let result = finish(run)
        #expect(exited, "wir run must exit while its server process is stopped, within a few deadlines of 3 s")
        #expect(result.status == 0, "\(result.err)")
        let history = try Registry(path: schema.url).history().map { "\($0.claim.taskID):\($0.reason.rawValue)" }
        #expect(history == ["ends:completed"], "released on a new connection, not left to lapse")
    }

    /// A renewal that finds its server process stopped is abandoned at the deadline
    /// and made again on a new connection, in time: the claim is kept.
    @Test func aRenewalThatFindsItsServerProcessStoppedIsMadeOnANewConnection() throws {
        let target = dir.file("data.db"), started = dir.file("started")
        let run = try start(["run", "--task", "kept", "--ttl", "6s", "--writes", target, "--", "sh", "-c",
                             ": > \(started); while [ ! -e \(dir.file("gate")) ]; do sleep 0.02; done"],
                            environment: ["WIR_PG_TIMEOUT": "1s"])
        defer { if run.0.isRunning { kill(run.0.processIdentifier, SIGKILL) } }
        try waitFor(started)
        let backends = try StoppedBackends(monitoring: schema.url)
        let watcher = try Registry(path: schema.url)
        let stopped = try backends.stopSessions(of: run.0.processIdentifier)
        let expiresAtStop = try watcher.inFlight().claims.first?.0.expiresMs ?? .max
        var renewed = false
        let giveUp = MonotonicClock.nowMs() + 30_000
        while !renewed && MonotonicClock.nowMs() < giveUp && run.0.isRunning {
            usleep(100_000)
            let sessions = try backends.sessions(of: run.0.processIdentifier).map(\.pid)
            let expires = try watcher.inFlight().claims.first { $0.0.taskID == "kept" }?.0.expiresMs ?? 0
            renewed = sessions.contains { !stopped.contains($0) } && expires > expiresAtStop
        }
        openGate()
        let exited = waitForExit(run.0, withinMs: 60_000)
        backends.continueAll()
        let result = finish(run)
        #expect(renewed, "the lease must be renewed on a new server session: \(result.err)")
        #expect(exited && result.status == 0, "\(result.err)")
        #expect(!result.err.contains("lost"), "\(result.err)")
    }

    /// A queued claim's LISTEN session stops: the waiter is still admitted (its
    /// timer looks again), and giving the connection back (UNLISTEN) ends at the deadline.
    @Test func aQueuedClaimWhoseListenSessionIsStoppedIsStillAdmittedAndReturns() throws {
        let target = dir.file("queue.jsonl")
        let holder = try gatedHolder("holder", [target])             // not an ancestor of the waiter
        defer { if holder.0.isRunning { kill(holder.0.processIdentifier, SIGKILL) } }
        let watcher = try Registry(path: schema.url)
        var giveUp = MonotonicClock.nowMs() + 30_000
        while try watcher.inFlight().claims.isEmpty && MonotonicClock.nowMs() < giveUp { usleep(20_000) }
        let waiter = try start(["run", "--task", "waiter", "--policy", "queue", "--timeout", "60s", "--writes", target,
                                "--", "true"], environment: ["WIR_PG_TIMEOUT": "2s"])
        defer { if waiter.0.isRunning { kill(waiter.0.processIdentifier, SIGKILL) } }
        giveUp = MonotonicClock.nowMs() + 30_000
        while try watcher.inFlight().waiters.isEmpty && MonotonicClock.nowMs() < giveUp { usleep(20_000) }
        let backends = try StoppedBackends(monitoring: schema.url)
        try backends.stopSessions(of: waiter.0.processIdentifier, purpose: "listen")
        openGate()
        #expect(finish(holder).status == 0)
        let exited = waitForExit(waiter.0, withinMs: 60_000)
        backends.continueAll()
        let result = finish(waiter)
        #expect(exited, "the waiter must not hang on its stopped LISTEN session")
        #expect(result.status == 0, "\(result.err)")
    }

    /// A server that accepts the connection but never answers: the deadline bounds
    /// connecting too, even when the URL asks libpq to wait for ever.
    @Test func connectingToAServerThatNeverAnswersFailsAtTheDeadline() throws {
        let silent = try SilentListener()
        let url = "postgresql://127.0.0.1:\(silent.port)/x?connect_timeout=0"
        let ls = try start(["ls", "--registry", url], environment: ["WIR_PG_TIMEOUT": "1s"])
        defer { if ls.0.isRunning { kill(ls.0.processIdentifier, SIGKILL) } }
        let exited = waitForExit(ls.0, withinMs: 30_000)
        if !exited { kill(ls.0.processIdentifier, SIGKILL) }
        let result = finish(ls)
        #expect(exited, "connecting must give up at the deadline")
        #expect(result.status == 74, "\(result.err)")
        #expect(result.err.contains("no answer within 1s (WIR_PG_TIMEOUT)"), "\(result.err)")
    }

    @Test(arguments: ["soon", "0", "-5s", "0x10", "2h"])
    func aDeadlineThatIsNotOneIsRefused(_ value: String) throws {
        let ls = try wir(["ls"], environment: ["WIR_PG_TIMEOUT": value])
        #expect(ls.status == 64, "\(ls.err)")
        #expect(ls.err.contains("WIR_PG_TIMEOUT='\(value)'"), "\(ls.err)")
    }

    // MARK: helpers

    private func waitFor(_ file: String) throws {
        let giveUp = MonotonicClock.nowMs() + 30_000
        while !FileManager.default.fileExists(atPath: file) {
            guard MonotonicClock.nowMs() < giveUp else { throw WirError(.timedOut, "\(file) never appeared") }
            usleep(10_000)
        }
    }

    private func waitForExit(_ process: Process, withinMs: Int64) -> Bool {
        let giveUp = MonotonicClock.nowMs() + withinMs
        while process.isRunning && MonotonicClock.nowMs() < giveUp { usleep(20_000) }
        return !process.isRunning
    }
}
