#if canImport(Glibc)
import Glibc
#endif

// The queue hand-off row: a holder and a waiter, sibling processes on one
// registry file. Each round the holder claims, the waiter queues and sleeps
// 20 ms (idle), and the holder releases. Latency: from just before the
// release call to the waiter's claim call returning. The release transaction
// admits the waiter on its behalf and wakes it; the waiter reads that.

/// Runs `rounds` hand-offs on `registryPath`; prints the rows with their targets.
func handoffRows(registryPath: String, rounds: Int) {
    let holder = spawnSelf(["--handoff-holder", registryPath], pipes: true)
    let waiter = spawnSelf(["--handoff-waiter", registryPath], pipes: true)
    var latencies: [Double] = [], releases: [Double] = [], cpuShare: [Double] = []
    for _ in 0..<rounds {
        writeLine(holder.input, "hold")
        guard readLine(holder.output) == "held" else { fatal("the holder died") }
        writeLine(waiter.input, "go")
        usleep(20_000)                               // the waiter queues and sleeps
        writeLine(holder.input, "release")
        let times = (readLine(holder.output) ?? "").split(separator: " ").compactMap { UInt64($0) }
        guard times.count == 2 else { fatal("the holder died") }
        guard let report = readLine(waiter.output) else { fatal("the waiter died") }
        let fields = report.split(separator: " ").compactMap { Int64($0) }
        latencies.append(Double(UInt64(fields[0]) &- times[0]) / 1000)
        releases.append(Double(times[1] &- times[0]) / 1000)
        cpuShare.append(Double(fields[1]) / Double(max(1, fields[2])))
    }
    close(waiter.input)
    close(holder.input)
    waitFor(waiter.pid)
    waitFor(holder.pid)
    latencies.sort()
    releases.sort()
    cpuShare.sort()
    func at(_ values: [Double], _ p: Double) -> Double { values[min(values.count - 1, Int(Double(values.count) * p))] }
    func verdict(_ value: Double, _ target: Double) -> String { value <= target ? "met" : "missed" }
    let (p50, p99, cpu) = (at(latencies, 0.5), at(latencies, 0.99), at(cpuShare, 0.5) * 100)
    print("queue hand-off across processes, \(rounds) rounds, waiter idle 20 ms: release -> waiter admitted (µs)")
    print(pad("hand-off", 34) + pad(fixed(p50), 10) + pad(fixed(p99), 10)
          + "  (targets: p50 <= 150: \(verdict(p50, 150)), p99 <= 1000: \(verdict(p99, 1000)))")
    print(pad("  of which the release call", 34) + pad(fixed(at(releases, 0.5)), 10) + pad(fixed(at(releases, 0.99)), 10)
          + "  (it admits the waiter and sends its wake-up)")
    print("waiter CPU while waiting (% of the wait): median \(fixed(cpu)), "
          + "p99 \(fixed(at(cpuShare, 0.99) * 100))  (target <= 5: \(verdict(cpu, 5)))")
    record("hand-off", [("median_us", p50), ("p99_us", p99), ("release_median_us", at(releases, 0.5)),
                        ("waiter_cpu_percent_median", cpu)])
}
