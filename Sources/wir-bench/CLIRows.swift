#if canImport(Glibc)
import Glibc
#endif
import CWir

// How fast the `wir` command starts (issue #16, target 4): `wir ls` on an existing registry, and
// `wir run -- true` beside `true`, each timed as a whole process from spawn to exit, in alternating
// order so that the machine's drift is cancelled out of each pair. WIR_BENCH_CLI names the command.

/// Runs `program` with `arguments`, its output thrown away; returns its wall time in ms.
private func timedRun(_ program: String, _ arguments: [String]) -> Double {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    let argv = ([program] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let start = nowNs()
    guard posix_spawn(&pid, program, &actions, nil, argv, environ) == 0 else { fatal("spawn \(program)") }
    waitFor(pid)
    return Double(nowNs() - start) / 1_000_000
}

/// The rows, with their files under `scratch` (a directory) and `scratch`.db (the registry): once on
/// an idle registry (no other process has it open, so the last connection of each command closes it
/// and empties its WAL), once while this process holds it open with a claim in flight.
func cliStartupRows(rounds: Int, scratch dir: String) {
    guard let cli = getenv("WIR_BENCH_CLI").map({ String(cString: $0) }), !cli.isEmpty else {
        print("wir command start-up: skipped (WIR_BENCH_CLI names no wir command)")
        return
    }
    mkdir(dir, 0o700)
    let registryPath = dir + ".db"
    wir_close(openRegistry(registryPath))
    defer {
        for suffix in ["", "-wal", "-shm"] { unlink(registryPath + suffix) }
        rmdir(dir)
    }
    let truePath = access("/usr/bin/true", X_OK) == 0 ? "/usr/bin/true" : "/bin/true"
    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    func p99(_ values: [Double]) -> Double { values.sorted()[min(values.count - 1, Int(Double(values.count) * 0.99))] }
    func verdict(_ value: Double, _ target: Double) -> String {
        "(target <= \(fixed(target)): " + (value <= target ? "met" : "missed") + ")"
    }
    print("wir command start-up, \(rounds) rounds each, spawn to exit (ms)")
    for held in [false, true] {
        var holder: (reg: OpaquePointer, claim: OpaquePointer)?
        if held {
            let reg = openRegistry(registryPath)
            holder = (reg, claim(reg, cStrings([dir + "/held"])))
        }
        var bare: [Double] = [], run: [Double] = [], added: [Double] = [], ls: [Double] = []
        for round in 0..<rounds {
            var pair: [Bool: Double] = [:]
            for wrapped in round % 2 == 0 ? [false, true] : [true, false] {
                pair[wrapped] = wrapped
                    ? timedRun(cli, ["run", "--registry", registryPath, "--writes", dir + "/tree", "--", truePath])
                    : timedRun(truePath, [])
            }
            bare.append(pair[false]!)
            run.append(pair[true]!)
            added.append(pair[true]! - pair[false]!)
            ls.append(timedRun(cli, ["ls", "--registry", registryPath]))
        }
        if let holder {
            _ = wir_release(holder.reg, holder.claim, WIR_OUTCOME_COMPLETED)
            wir_claim_free(holder.claim)
            wir_close(holder.reg)
        }
        let registry = held ? "registry open elsewhere" : "idle registry"
        print(pad("true", 34) + pad(fixed(median(bare)), 10) + pad(fixed(p99(bare)), 10))
        print(pad("wir run -- true, \(registry)", 34) + pad(fixed(median(run)), 10) + pad(fixed(p99(run)), 10))
        print(pad("wir ls, \(registry)", 34) + pad(fixed(median(ls)), 10) + pad(fixed(p99(ls)), 10))
        print("wir run -- true over true, \(registry): \(fixed(median(added))) ms (median of \(rounds) pairs)  "
              + verdict(median(added), 3))
        print("wir ls, \(registry): \(fixed(median(ls))) ms  " + verdict(median(ls), 3))
        record("cli start-up, \(registry)",
               [("true_median_ms", median(bare)), ("run_true_median_ms", median(run)),
                ("run_over_true_median_ms", median(added)), ("ls_median_ms", median(ls))])
    }
}
