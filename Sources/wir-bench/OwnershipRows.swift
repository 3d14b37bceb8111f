#if canImport(Glibc)
import Glibc
#endif
import CWir

// The rows of claims that follow their owners: how fast a queued claim gets
// a path whose holder is killed, and how fast `wir run --on-lost term` stops
// a command whose claim was released by force.

/// --death-holder REG: claims the hand-off path, says "held", and waits to be killed.
func deathHolder(_ registryPath: String) -> Never {
    let reg = openRegistry(registryPath)
    _ = claim(reg, [handoffPath], policy: WIR_POLICY_QUEUE)
    writeLine(1, "held")
    while true { pause() }
}

/// --term-recorder: the command of `wir run` in the loss row. Says "ready", then
/// on SIGTERM prints when it came (CLOCK_MONOTONIC ns) and exits.
func termRecorder() -> Never {
    var term = sigset_t()
    sigemptyset(&term)
    sigaddset(&term, SIGTERM)
    pthread_sigmask(SIG_BLOCK, &term, nil)
    writeLine(1, "ready")
    var caught: Int32 = 0
    sigwait(&term, &caught)
    writeLine(1, "\(nowNs())")
    exit(0)
}

private func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

/// A holder killed with SIGKILL while a claim waits in the queue: kill to admission.
func deathHandoff(rounds: Int) {
    let registryPath = file("handoff.db")
    let waiter = spawnSelf(["--handoff-waiter", registryPath], pipes: true)
    var latencies: [Double] = []
    for _ in 0..<rounds {
        let holder = spawnSelf(["--death-holder", registryPath], pipes: true)
        guard readLine(holder.output) == "held" else { fatal("the holder died") }
        writeLine(waiter.input, "go")
        usleep(20_000)                               // the waiter queues and sleeps
        let killed = nowNs()
        kill(holder.pid, SIGKILL)
        guard let report = readLine(waiter.output), let admitted = report.split(separator: " ").first
            .flatMap({ UInt64($0) }) else { fatal("the waiter died") }
        latencies.append(Double(admitted &- killed) / 1000)
        close(holder.input)
        close(holder.output)
        waitFor(holder.pid)
    }
    close(waiter.input)
    waitFor(waiter.pid)
    latencies.sort()
    print("hand-off on death, \(rounds) rounds: SIGKILL of the holder -> waiter admitted (µs)")
    print(pad("hand-off on death", 34) + pad(fixed(percentile(latencies, 0.5)), 10)
          + pad(fixed(percentile(latencies, 0.99)), 10) + "  (target: p99 <= 100000)")
    record("hand-off on death", [("median_us", percentile(latencies, 0.5)), ("p99_us", percentile(latencies, 0.99))])
}

/// `wir run --on-lost term`, its claim released by force: release to SIGTERM in the command.
/// Needs the `wir` command: WIR_BENCH_CLI names it (make bench sets it).
func lossDelay(rounds: Int) {
    guard let cli = getenv("WIR_BENCH_CLI").map({ String(cString: $0) }), !cli.isEmpty else {
        print("loss -> SIGTERM: skipped (WIR_BENCH_CLI names no wir command)")
        return
    }
    let registryPath = file("loss.db")
    let reg = openRegistry(registryPath)
    var delays: [Double] = []
    for round in 0..<rounds {
        let task = "loss-\(round)"
        let run = spawn(cli, ["run", "--registry", registryPath, "--task", task, "--writes", "/wir-bench/loss/state",
                              "--on-lost", "term", "--", CommandLine.arguments[0], "--term-recorder"], pipes: true)
        guard readLine(run.output) == "ready" else { fatal("wir run did not start its command") }
        let forced = nowNs()
        guard wir_force_release(reg, task) == WIR_OK else { fatal("force release: \(String(cString: wir_errmsg()))") }
        guard let line = readLine(run.output), let signalled = UInt64(line) else { fatal("no SIGTERM arrived") }
        delays.append(Double(signalled &- forced) / 1_000_000)
        close(run.input)
        close(run.output)
        waitFor(run.pid)
    }
    wir_close(reg)
    delays.sort()
    print("loss -> SIGTERM, \(rounds) rounds: forced release -> the command's SIGTERM (ms)")
    print(pad("wir run --on-lost term", 34) + pad(fixed(percentile(delays, 0.5)), 10)
          + pad(fixed(percentile(delays, 0.99)), 10) + "  (target: <= 1000)")
    record("loss to SIGTERM", [("median_ms", percentile(delays, 0.5)), ("max_ms", delays.last ?? 0)])
    for suffix in ["", "-wal", "-shm"] { unlink(registryPath + suffix) }
}
