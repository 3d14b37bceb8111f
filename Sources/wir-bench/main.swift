// wir-bench: what a claim costs, beside what users would use instead.
//
// Every latency row is measured in the same run, in short alternating rounds,
// so a noisy neighbour slows all of them alike: compare the ratios. Prints a
// table and, with --json FILE, writes the same figures as JSON.
//
// usage: wir-bench [--live N] [--rounds R] [--per-round K] [--handoffs H]
//                  [--seconds S] [--dir DIR] [--json FILE]
//        wir-bench --profile REGISTRY N PATHS   (N claim+release, untimed: for callgrind)
//        wir-bench --profile-deep REGISTRY N    (the same, one path 8 components deep)
//        wir-bench --profile-same REGISTRY N    (the same statements by hand in C: SameStatementsRows.swift)
//        wir-bench --confine           the confinement rows alone (ConfineRows.swift; WIR_BENCH_CLI
//                                      names the wir command for the wir run rows)
//        wir-bench --handoff DIR       the queue hand-off rows alone, registries in DIR (HandOffRows.swift)
//        wir-bench --cli-startup       the wir command's start-up rows alone (CLIRows.swift; WIR_BENCH_CLI)
//        wir-bench --postgres URL      the PostgreSQL rows alone (PostgresRows.swift); with
//                                      WIR_BENCH_POSTGRES=URL, a full run adds them at its end
#if canImport(Glibc)
import Glibc
#endif
import CSQLite
import CWir

func fatal(_ message: String) -> Never {
    let line = Array("wir-bench: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(1)
}

func nowNs() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

/// C strings that live as long as the benchmark.
func cStrings(_ values: [String]) -> [UnsafePointer<CChar>?] {
    values.map { UnsafePointer(strdup($0)) }
}

func openRegistry(_ path: String) -> OpaquePointer {
    var reg: OpaquePointer?
    guard wir_open(&reg, path) == WIR_OK, let reg else { fatal("wir_open \(path): \(String(cString: wir_errmsg()))") }
    return reg
}

/// Claims `writes` on `reg` (one C call); returns the claim or dies.
func claim(_ reg: OpaquePointer, _ writes: [UnsafePointer<CChar>?], task: UnsafePointer<CChar>? = nil,
           policy: Int32 = WIR_POLICY_REFUSE, ttlMs: Int64 = 0) -> OpaquePointer {
    writes.withUnsafeBufferPointer { buffer in
        var options = wir_claim_opts()
        options.version = UInt32(WIR_CLAIM_OPTS_VERSION)
        options.task_id = task
        options.writes = buffer.baseAddress
        options.n_writes = buffer.count
        options.policy = policy
        options.ttl_ms = ttlMs
        options.timeout_ms = 60_000
        var out: OpaquePointer?
        guard wir_claim(&out, reg, &options) == WIR_OK, let out else { fatal("claim: \(String(cString: wir_errmsg()))") }
        return out
    }
}

/// A registry file with `live` claims held by other tasks, kept open.
func populated(_ path: String, live: Int) -> OpaquePointer {
    unlink(path)
    let reg = openRegistry(path)
    for index in 0..<live {
        let writes = cStrings(["/wir-bench/live/\(index % 1000)/\(index)/data.json"])
        let task = strdup("live-\(index)")
        wir_claim_free(claim(reg, writes, task: UnsafePointer(task), ttlMs: 3_600_000))
        free(task)
        writes.forEach { free(UnsafeMutablePointer(mutating: $0)) }
    }
    return reg
}

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

func fixed(_ value: Double) -> String {
    let hundredths = Int((value * 100).rounded())
    return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
}

/// The JSON report, built as the rows are printed.
nonisolated(unsafe) var report: [String] = []
func record(_ name: String, _ fields: [(String, Double)]) {
    report.append("{\"name\":\"\(name)\"," + fields.map { "\"\($0.0)\":\(fixed($0.1))" }.joined(separator: ",") + "}")
}

// MARK: - Spawning ourselves (never fork() with SQLite open)

/// Starts this program with `arguments`; returns its pid and, if asked, pipes to its stdin and from its stdout.
func spawnSelf(_ arguments: [String], pipes: Bool = false) -> (pid: pid_t, input: Int32, output: Int32) {
    spawn(CommandLine.arguments[0], arguments, pipes: pipes)
}

/// Starts `program` with `arguments`, as `spawnSelf` does.
func spawn(_ program: String, _ arguments: [String], pipes: Bool = false) -> (pid: pid_t, input: Int32, output: Int32) {
    var toChild: [Int32] = [-1, -1], fromChild: [Int32] = [-1, -1]
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if pipes {
        guard pipe(&toChild) == 0, pipe(&fromChild) == 0 else { fatal("pipe") }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        posix_spawn_file_actions_addclose(&actions, toChild[1])
        posix_spawn_file_actions_addclose(&actions, fromChild[0])
    }
    let argv = ([program] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    guard posix_spawn(&pid, program, &actions, nil, argv, environ) == 0 else { fatal("spawn \(program)") }
    if pipes {
        close(toChild[0])
        close(fromChild[1])
    }
    return (pid, toChild[1], fromChild[0])
}

func readLine(_ fd: Int32) -> String? {
    var bytes: [UInt8] = []
    var byte: UInt8 = 0
    while read(fd, &byte, 1) == 1 {
        if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
        bytes.append(byte)
    }
    return nil
}

func writeLine(_ fd: Int32, _ text: String) {
    let bytes = Array((text + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
}

func cpuMicroseconds() -> Int64 {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Int64(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1_000_000
        + Int64(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec)
}

func waitFor(_ pid: pid_t) {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
}

// MARK: - Child modes

nonisolated(unsafe) let handoffPath = UnsafePointer(strdup("/wir-bench/handoff/state.json"))

/// --handoff-holder REG: on "hold", claim the path and say "held"; on "release", release it
/// and say when (CLOCK_MONOTONIC ns, taken just before the release and when it returned); on "die", hold it and
/// wait to be killed. A sibling of the waiter, not its parent: a process may not queue for a
/// claim its own ancestor holds (WIR_EDEADLK).
func handoffHolder(_ registryPath: String) -> Never {
    let reg = openRegistry(registryPath)
    var held: OpaquePointer?
    while let line = readLine(0) {
        switch line {
        case "hold":
            held = claim(reg, [handoffPath], policy: WIR_POLICY_QUEUE)
            writeLine(1, "held")
        case "release":
            let released = nowNs()
            guard wir_release(reg, held, WIR_OUTCOME_COMPLETED) == WIR_OK else { fatal("release") }
            let returned = nowNs()
            wir_claim_free(held)
            writeLine(1, "\(released) \(returned)")
        default:
            break
        }
    }
    exit(0)
}

/// --handoff-waiter REG: on each "go", wait for the path (queue), report, release.
func handoffWaiter(_ registryPath: String) -> Never {
    let reg = openRegistry(registryPath)
    while readLine(0) == "go" {
        let cpuBefore = cpuMicroseconds(), start = nowNs()
        let held = claim(reg, [handoffPath], policy: WIR_POLICY_QUEUE)
        let admitted = nowNs()
        let cpu = cpuMicroseconds() - cpuBefore
        _ = wir_release(reg, held, WIR_OUTCOME_COMPLETED)
        wir_claim_free(held)
        writeLine(1, "\(admitted) \(cpu) \((admitted - start) / 1000)")
    }
    exit(0)
}

/// --contender REG MODE INDEX START_NS SECONDS: claim+release until the time is up;
/// prints "count median_wait_us max_wait_us".
func contender(_ arguments: [String]) -> Never {
    let reg = openRegistry(arguments[0])
    let shared = arguments[1] == "shared"
    let path = cStrings([shared ? "/wir-bench/contention/shared" : "/wir-bench/contention/\(arguments[2])"])
    let start = UInt64(arguments[3]) ?? 0, end = start + UInt64((Double(arguments[4]) ?? 1) * 1e9)
    while nowNs() < start { usleep(100) }
    var waits: [UInt64] = []
    while nowNs() < end {
        let before = nowNs()
        let held = claim(reg, path, policy: shared ? WIR_POLICY_QUEUE : WIR_POLICY_REFUSE)
        waits.append(nowNs() - before)
        _ = wir_release(reg, held, WIR_OUTCOME_COMPLETED)
        wir_claim_free(held)
    }
    waits.sort()
    print("\(waits.count) \(waits.isEmpty ? 0 : waits[waits.count / 2] / 1000) \((waits.last ?? 0) / 1000)")
    exit(0)
}

/// --cold-start REG: open and claim once, then exit (timed from outside).
func coldStart(_ registryPath: String) -> Never {
    let reg = openRegistry(registryPath)
    let held = claim(reg, cStrings(["/wir-bench/cold/\(getpid())"]))
    _ = wir_release(reg, held, WIR_OUTCOME_COMPLETED)
    exit(0)
}

/// `count` paths four directories deep, spread over 4 directories.
func paths(_ count: Int) -> [UnsafePointer<CChar>?] {
    cStrings((0..<count).map { "/wir-bench/work/dir\($0 % 4)/file-\($0).jsonl" })
}

/// One claim+release of `writes` through the C API.
func claimRelease(_ reg: OpaquePointer, _ writes: [UnsafePointer<CChar>?]) -> () -> Void {
    { let held = claim(reg, writes); _ = wir_release(reg, held, WIR_OUTCOME_COMPLETED); wir_claim_free(held) }
}

/// --profile REG N PATHS: N claim+release of PATHS paths, nothing timed (for
/// `valgrind --tool=callgrind`, which counts instructions repeatably).
func profile(_ arguments: [String]) -> Never {
    let count = Int(arguments[1]) ?? 1000, width = Int(arguments[2]) ?? 1
    let pair = claimRelease(openRegistry(arguments[0]), paths(width))
    for _ in 0..<count { pair() }
    exit(0)
}

let arguments = CommandLine.arguments
switch arguments.dropFirst().first {
case "--profile": profile(Array(arguments[2...]))
case "--profile-deep": profileDeep(Array(arguments[2...]), byHand: false)
case "--profile-same": profileDeep(Array(arguments[2...]), byHand: true)
case "--handoff-waiter": handoffWaiter(arguments[2])
case "--handoff-holder": handoffHolder(arguments[2])
case "--term-recorder": termRecorder()
case "--death-holder": deathHolder(arguments[2])
case "--contender": contender(Array(arguments[2...]))
case "--cold-start": coldStart(arguments[2])
case "--confine-cost": confineCost(Array(arguments[2...]))
case "--confine" where arguments.count == 2:
    confinementRows(rounds: 60, scratch: "/tmp/wir-bench-\(getpid())-confine")
    exit(0)
case "--handoff" where arguments.count == 3:
    let registryPath = arguments[2] + "/wir-bench-\(getpid())-handoff.db"
    handoffRows(registryPath: registryPath, rounds: 200)
    for suffix in ["", "-wal", "-shm"] { unlink(registryPath + suffix) }
    rmdir(registryPath + ".wake")                     // empty: each waiter removed its socket
    exit(0)
case "--cli-startup" where arguments.count == 2:
    cliStartupRows(rounds: 60, scratch: "/tmp/wir-bench-\(getpid())-cli")
    exit(0)
case "--postgres" where arguments.count == 3:
    postgresRows(arguments[2], rounds: 10, perRound: 100, seconds: 2)
    exit(0)
default: break
}

// MARK: - Latency rows, alternating

let options = Options(arguments)
let pid = getpid()
func file(_ name: String) -> String { "\(options.dir)/wir-bench-\(pid)-\(name)" }

// The floor: the least a SQLite claim can cost. Two IMMEDIATE transactions on the
// same filesystem (insert one row keyed by path, delete it), WAL, synchronous=NORMAL.
var floorDB: OpaquePointer?
unlink(file("floor.db"))
sqlite3_open(file("floor.db"), &floorDB)
sqlite3_exec(floorDB, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
             + "CREATE TABLE claims(path TEXT PRIMARY KEY, task TEXT) WITHOUT ROWID", nil, nil, nil)
nonisolated(unsafe) var floorStatements: [OpaquePointer?] = [nil, nil, nil, nil]
for (index, sql) in ["BEGIN IMMEDIATE", "COMMIT", "INSERT INTO claims VALUES ('/wir-bench/floor/state.json', 't')",
                     "DELETE FROM claims WHERE path = '/wir-bench/floor/state.json'"].enumerated() {
    sqlite3_prepare_v2(floorDB, sql, -1, &floorStatements[index], nil)
}
func step(_ index: Int) {
    sqlite3_step(floorStatements[index])
    sqlite3_reset(floorStatements[index])
}

let lockPath = file("flock")
let heldFD = open(lockPath, O_RDWR | O_CREAT, 0o600)

print("wir-bench: populating registries (10 and \(options.live) live claims) in \(options.dir) ...")
let small = populated(file("small.db"), live: 10)
let large = populated(file("large.db"), live: options.live)
let one = paths(1), sixteen = paths(16), sixtyFour = paths(64)
let sameStatements = SameStatementsRows(wirRegistry: small, dir: options.dir, file: file)

let rows = [
    Row("raw SQLite floor (2 txns)") { step(0); step(2); step(1); step(0); step(3); step(1) },
    Row("flock on a held fd") { flock(heldFD, LOCK_EX); flock(heldFD, LOCK_UN) },
    Row("open+flock+close") { let fd = open(lockPath, O_RDWR); flock(fd, LOCK_EX); close(fd) },
    Row("wir 1 path, 10 live", claimRelease(small, one)),
    Row("wir 16 paths, 10 live", claimRelease(small, sixteen)),
    Row("wir 64 paths, 10 live", claimRelease(small, sixtyFour)),
    Row("wir 1 path, \(options.live) live", claimRelease(large, one)),
] + sameStatements.rows
for _ in 0..<options.rounds {
    for row in rows { row.run(options.perRound) }
}
print("latency, \(options.rounds) alternating rounds x \(options.perRound) (µs)")
print(pad("case", 34) + pad("median", 10) + pad("p99", 10))
for row in rows {
    print(pad(row.name, 34) + pad(fixed(row.percentile(0.5)), 10) + pad(fixed(row.percentile(0.99)), 10))
    record(row.name, [("median_us", row.percentile(0.5)), ("p99_us", row.percentile(0.99))])
}
let floor = rows[0].percentile(0.5), wir1 = rows[3].percentile(0.5)
let ratios: [(String, Double, Double)] = [
    ("wir 1 path / raw SQLite floor", wir1 / floor, 1.3),
    ("wir 64 paths / wir 1 path", rows[5].percentile(0.5) / wir1, 8),
    ("wir \(options.live) live / 10 live", rows[6].percentile(0.5) / wir1, 1.25),
    ("wir 1 path / open+flock+close", wir1 / rows[2].percentile(0.5), .nan),
]
for (name, ratio, target) in ratios {
    let verdict = target.isNaN ? "" : (ratio <= target ? "  (target <= \(fixed(target)): met)" : "  (target <= \(fixed(target)): missed)")
    print("ratio \(name): \(fixed(ratio))\(verdict)")
    record("ratio " + name, [("ratio", ratio)])
}
sameStatements.printRatios()
sameStatements.printCounts(wirRegistry: small, wirRegistryPath: file("small.db"), sixtyFour: sixtyFour)
sameStatements.close()
for reg in [small, large] { wir_close(reg) }
sqlite3_close(floorDB)
close(heldFD)

// MARK: - Queue hand-off across processes (HandOffRows.swift)

handoffRows(registryPath: file("handoff.db"), rounds: options.handoffs)
deathHandoff(rounds: 50)
lossDelay(rounds: 10)

// MARK: - Contention

print("contention, \(fixed(options.seconds)) s per run: claims/s over all processes; fairness = max wait / median "
      + "wait; share = fewest / most claims of one process")
for mode in ["disjoint", "shared"] {
    for processes in [1, 2, 4, 8] {
        let registryPath = file("contention-\(mode)-\(processes).db")
        _ = openRegistry(registryPath)                // create the schema before the race
        let start = nowNs() + 300_000_000
        let children = (0..<processes).map {
            spawnSelf(["--contender", registryPath, mode, "\($0)", "\(start)", "\(options.seconds)"], pipes: true)
        }
        var count = 0, counts: [Double] = [], medians: [Double] = [], maxWait = 0.0
        for child in children {
            let fields = (readLine(child.output) ?? "0 0 0").split(separator: " ").compactMap { Double($0) }
            count += Int(fields[0])
            counts.append(fields[0])
            medians.append(fields[1])
            maxWait = max(maxWait, fields[2])
            waitFor(child.pid)
        }
        let rate = Double(count) / options.seconds
        let fairness = maxWait / max(1, medians.sorted()[medians.count / 2])
        let share = (counts.min() ?? 0) / max(1, counts.max() ?? 1)
        print(pad("\(mode), \(processes) process\(processes == 1 ? "" : "es")", 34) + pad("\(Int(rate)) claims/s", 18)
              + "max wait \(fixed(maxWait / 1000)) ms, fairness \(fixed(fairness)), share \(fixed(share))")
        record("contention \(mode) \(processes)", [("claims_per_second", rate), ("max_wait_ms", maxWait / 1000),
                                                    ("fairness", fairness), ("share", share)])
        for suffix in ["", "-wal", "-shm"] { unlink(registryPath + suffix) }
        if mode == "disjoint" && processes == 8 { printFairnessTarget(maxWaitMs: maxWait / 1000, share: share) }
    }
}

// MARK: - Cold start

func coldStarts(_ count: Int) {
    let registryPath = file("cold.db")
    _ = openRegistry(registryPath)
    var samples: [Double] = []
    for _ in 0..<count {
        let start = nowNs()
        let child = spawnSelf(["--cold-start", registryPath])
        waitFor(child.pid)
        samples.append(Double(nowNs() - start) / 1_000_000)
    }
    samples.sort()
    let median = samples[count / 2]
    print("cold start (spawn this program, open, first claim, exit): median \(fixed(median)) ms  "
          + "(target <= 5: \(median <= 5 ? "met" : "missed"))")
    record("cold start", [("median_ms", samples[count / 2])])
}
coldStarts(30)
confinementRows(rounds: 60, scratch: file("confine"))
cliStartupRows(rounds: 60, scratch: file("cli"))

if let url = getenv("WIR_BENCH_POSTGRES").map({ String(cString: $0) }), !url.isEmpty {
    postgresRows(url, rounds: options.rounds, perRound: options.perRound, seconds: options.seconds)
}

if let path = options.json {
    let text = "[" + report.joined(separator: ",\n") + "]\n"
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    _ = text.utf8CString.dropLast().withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
    print("wir-bench: wrote \(path)")
}
for name in ["floor.db", "small.db", "large.db", "handoff.db", "cold.db", "flock"] {
    for suffix in ["", "-wal", "-shm"] { unlink(file(name) + suffix) }
}
