#if canImport(Glibc)
import Glibc
#endif
import CWir

// What confinement costs at start-up: wir_confine in a fresh process (the
// ruleset built from a claim, then the restriction), and `wir run --confine`
// beside `wir run` (also the private TMPDIR, made and removed).

/// --confine-cost REG DIR: claims a directory, a file and a glob in DIR, confines itself to
/// them once (strict), prints how long that took (ns), and releases from inside.
func confineCost(_ arguments: [String]) -> Never {
    let reg = openRegistry(arguments[0])
    let dir = arguments[1]
    let held = claim(reg, cStrings([dir + "/tree", dir + "/state.json", dir + "/out/*.jsonl"]))
    let start = nowNs()
    guard wir_confine(reg, held, WIR_CONFINE_STRICT) == WIR_OK else { fatal("wir_confine: \(String(cString: wir_errmsg()))") }
    let cost = nowNs() - start
    guard wir_release(reg, held, WIR_OUTCOME_COMPLETED) == WIR_OK else { fatal("release from inside the confinement") }
    writeLine(1, "\(cost)")
    exit(0)
}

/// The rows, with their files under `scratch` (a directory) and `scratch`.db (the registry).
func confinementRows(rounds: Int, scratch dir: String) {
    for sub in ["", "/tree", "/out"] { mkdir(dir + sub, 0o700) }
    close(open(dir + "/state.json", O_WRONLY | O_CREAT, 0o600))
    let registryPath = dir + ".db"
    wir_close(openRegistry(registryPath))
    defer {
        for suffix in ["", "-wal", "-shm"] { unlink(registryPath + suffix) }
        unlink(dir + "/state.json")
        for sub in ["/tree", "/out", ""] { rmdir(dir + sub) }
    }
    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    func p99(_ values: [Double]) -> Double { values.sorted()[min(values.count - 1, Int(Double(values.count) * 0.99))] }

    var costs: [Double] = []
    for _ in 0..<rounds {
        let child = spawnSelf(["--confine-cost", registryPath, dir], pipes: true)
        guard let line = readLine(child.output), let ns = UInt64(line) else { fatal("the confined child died") }
        costs.append(Double(ns) / 1000)
        close(child.input)
        close(child.output)
        waitFor(child.pid)
    }
    print("confinement at start-up, \(rounds) rounds")
    print(pad("wir_confine, 3 entries (µs)", 34) + pad(fixed(median(costs)), 10) + pad(fixed(p99(costs)), 10))
    record("wir_confine", [("median_us", median(costs)), ("p99_us", p99(costs))])

    guard let cli = getenv("WIR_BENCH_CLI").map({ String(cString: $0) }), !cli.isEmpty else {
        print("wir run --confine: skipped (WIR_BENCH_CLI names no wir command)")
        return
    }
    // Pairs, back to back, in alternating order: the median of the pairs' differences is what
    // confinement adds, with the machine's drift cancelled out of each pair.
    var plain: [Double] = [], confined: [Double] = [], added: [Double] = []
    for round in 0..<rounds {
        var pair: [Bool: Double] = [:]
        for confine in round % 2 == 0 ? [false, true] : [true, false] {
            let start = nowNs()
            let run = spawn(cli, ["run", "--registry", registryPath, "--writes", dir + "/tree"]
                            + (confine ? ["--confine"] : []) + ["--", "/bin/true"])
            waitFor(run.pid)
            pair[confine] = Double(nowNs() - start) / 1_000_000
        }
        plain.append(pair[false]!)
        confined.append(pair[true]!)
        added.append(pair[true]! - pair[false]!)
    }
    let cost = median(added)
    print(pad("wir run -- true (ms)", 34) + pad(fixed(median(plain)), 10) + pad(fixed(p99(plain)), 10))
    print(pad("wir run --confine -- true (ms)", 34) + pad(fixed(median(confined)), 10) + pad(fixed(p99(confined)), 10))
    print("confinement adds \(cost < 0 ? "-" : "")\(fixed(abs(cost))) ms to wir run's start-up (median of \(rounds) "
          + "pairs)  (target: <= 1: " + (cost <= 1 ? "met" : "missed") + ")")
    record("wir run --confine", [("plain_median_ms", median(plain)), ("confined_median_ms", median(confined)),
                                 ("added_median_ms", cost)])
}
