// Helper processes for wir's cross-process tests. Not installed.
//
//   wir-testprobe hold REGISTRY TASK PATH...
//       claims PATH... for TASK, prints "held TOKEN KEY", then sleeps until killed.
//   wir-testprobe hold-main-exits REGISTRY TASK PATH...
//       the same, but the first thread exits after the claim while a second one lives on.
//   wir-testprobe hold-ttl REGISTRY TASK TTL_MS PATH...
//       the same with a lease of TTL_MS, never renewed.
//   wir-testprobe queue REGISTRY TASK HOLD_MS TIMEOUT_MS PATH...
//       claims PATH... under the queue policy; prints "queued TASK" when it
//       first waits, "admitted TASK NS" (CLOCK_MONOTONIC) when admitted, holds
//       HOLD_MS (-1: until killed), releases, prints "released TASK NS".
//       On timeout prints "timed-out TASK" and exits 3.
//   wir-testprobe torture REGISTRY ROOT ITERATIONS SEED
//       random read/write sets of paths, directories and globs over ROOT/d{1,2,3}/f{1,2,3} and ROOT/hl,
//       some through aliases (a symlinked directory, a hard link, a bind mount where the
//       caller made ROOT/b3 one of ROOT/d3), random policies (refuse, queue with short
//       timeouts, warn) and TTLs; now and then a forked child claims and kills itself with
//       SIGKILL while holding. Holders flock every file they cover, whatever its name, without
//       blocking (shared for reads, exclusive for writes): a failed flock is a violation. Prints
//       "admitted=A refused=R timedout=T warned=W crashed=C violations=V errors=E".
//   wir-testprobe race REGISTRY ROOT WITNESS ITERATIONS SEED
//       claims random entries of the tree ROOT/{d1,d2}/{f1,f2} again and again;
//       while it holds a claim it flocks, without blocking, one witness file in
//       WITNESS per leaf the claim covers. A failed flock means two overlapping
//       claims were held at once. Prints "admitted=A refused=R violations=V".
#if canImport(Glibc)
import Glibc
#endif
import WirEngine
import WirHost
import WirOracle
import WirRegistry

let arguments = CommandLine.arguments

/// Writes a line straight to a descriptor: a reader waiting on a pipe sees it at once.
func say(_ line: String, to fd: Int32 = 1) {
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
}

func fail(_ message: String) -> Never {
    say("wir-testprobe: \(message)", to: 2)
    exit(2)
}

func hold(registryPath: String, task: String, ttlMs: Int64 = 0, paths: [String], mainExits: Bool = false) throws -> Never {
    let registry = try Registry(path: registryPath)
    let outcome = try registry.claim(ClaimSpec(taskID: task, writes: paths, ttlMs: ttlMs))
    guard case .admitted(let record, _, _) = outcome.result else { fail("refused: \(outcome.result)") }
    if mainExits {
        // The process lives on in a second thread after its first one has exited:
        // /proc shows its first thread as a zombie, but the process still runs.
        var thread = pthread_t()
        pthread_create(&thread, nil, { _ in
            while true { pause() }
        }, nil)
        say("held \(record.token) \(record.key)")
        pthread_exit(nil)
    }
    say("held \(record.token) \(record.key)")
    while true { pause() }
}

func race(registryPath: String, root: String, witness: String, iterations: Int, seed: UInt64) throws {
    let leaves = ["d1/f1", "d1/f2", "d2/f1", "d2/f2"]
    let entries = ["", "d1", "d2"] + leaves
    var random = SplitMix(seed: seed)
    let registry = try Registry(path: registryPath)
    var admitted = 0, refused = 0, violations = 0
    for iteration in 0..<iterations {
        let chosen = Set((0..<(1 + Int(random.next() % 2))).map { _ in entries[Int(random.next() % UInt64(entries.count))] })
        let writes = chosen.map { $0.isEmpty ? root : root + "/" + $0 }
        let outcome = try registry.claim(ClaimSpec(taskID: "race-\(getpid())-\(iteration)", writes: writes,
                                                   policy: .refuse))
        guard case .admitted(let record, _, _) = outcome.result else { refused += 1; continue }
        admitted += 1
        let covered = Set(leaves.filter { leaf in chosen.contains { $0.isEmpty || leaf == $0 || leaf.hasPrefix($0 + "/") } })
        var locks: [Int32] = []
        for leaf in covered {
            let fd = open(witness + "/" + leaf.replacingOccurrences(of: Character("/"), with: Character("_")), O_RDWR | O_CREAT, 0o600)
            if flock(fd, LOCK_EX | LOCK_NB) != 0 { violations += 1 }
            locks.append(fd)
        }
        usleep(UInt32(random.next() % 2000))
        locks.forEach { close($0) }          // closing drops the flock
        try registry.release(taskID: record.taskID, key: record.key, outcome: .completed)
    }
    say("admitted=\(admitted) refused=\(refused) violations=\(violations)")
}

func queue(registryPath: String, task: String, holdMs: Int, timeoutMs: Int64, paths: [String]) throws {
    let registry = try Registry(path: registryPath)
    var announced = false
    let outcome = try registry.claim(ClaimSpec(taskID: task, writes: paths, policy: .queue, timeoutMs: timeoutMs)) { _, _, _ in
        if !announced { say("queued \(task)"); announced = true }
    }
    switch outcome.result {
    case .admitted(let record, _, _):
        say("admitted \(task) \(MonotonicClock.nowNs())")
        if holdMs < 0 { while true { pause() } }
        usleep(UInt32(holdMs) * 1000)
        let released = MonotonicClock.nowNs()
        try registry.release(taskID: task, key: record.key, outcome: .completed)
        say("released \(task) \(released)")
    default:
        say("timed-out \(task)")
        exit(3)
    }
}

/// Entries of the torture tree with the leaves each covers, worked out by hand
/// (not by wir's matcher), so the witness stays independent of what it checks.
/// Some name the tree through aliases (`prepareTree`): `l1` is a symlink to
/// `d1`, `hl/b` a hard link of `hl/a`, and `b3` a bind mount of `d3` where the
/// test could make one. The two links share a directory that no other glob
/// reaches: a directory claim or a glob covers the links beneath it by their
/// names only, so one link claimed through a glob and the other by name would
/// go unseen (docs/concepts.md lists this).
let tortureEntries: [(String, [String])] = [
    ("", ["d1/f1", "d1/f2", "d1/f3", "d2/f1", "d2/f2", "d2/f3", "d3/f1", "d3/f2", "d3/f3", "hl/a"]),
    ("d1", ["d1/f1", "d1/f2", "d1/f3"]), ("d2", ["d2/f1", "d2/f2", "d2/f3"]), ("d3", ["d3/f1", "d3/f2", "d3/f3"]),
    ("d1/f1", ["d1/f1"]), ("d1/f2", ["d1/f2"]), ("d2/f1", ["d2/f1"]), ("d2/f3", ["d2/f3"]), ("d3/f2", ["d3/f2"]),
    ("d1/*", ["d1/f1", "d1/f2", "d1/f3"]), ("*/f1", ["d1/f1", "d2/f1", "d3/f1"]),
    ("**/f2", ["d1/f2", "d2/f2", "d3/f2"]), ("d2/f[12]", ["d2/f1", "d2/f2"]), ("d3/**", ["d3/f1", "d3/f2", "d3/f3"]),
    ("d?/f3", ["d1/f3", "d2/f3", "d3/f3"]),
    ("l1", ["d1/f1", "d1/f2", "d1/f3"]), ("l1/f2", ["d1/f2"]), ("l1/f[13]", ["d1/f1", "d1/f3"]),
    ("hl", ["hl/a"]), ("hl/a", ["hl/a"]), ("hl/b", ["hl/a"]), ("hl/*", ["hl/a"]),
]

/// The entries through the bind mount `b3` of `d3`, used when it is there.
let bindEntries: [(String, [String])] = [
    ("b3", ["d3/f1", "d3/f2", "d3/f3"]), ("b3/f1", ["d3/f1"]), ("b3/f*", ["d3/f1", "d3/f2", "d3/f3"]),
]

/// Makes the torture tree under `root` if it is not there (several workers
/// may race to make it): ROOT/d{1,2,3}/f{1,2,3}, and the aliases. Returns
/// whether the bind mount `b3` is in place.
func prepareTree(_ root: String) -> Bool {
    mkdir(root, 0o755)
    for directory in ["d1", "d2", "d3"] {
        mkdir(root + "/" + directory, 0o755)
        for file in ["f1", "f2", "f3"] {
            let fd = open(root + "/" + directory + "/" + file, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            if fd >= 0 { close(fd) }
        }
    }
    symlink("d1", root + "/l1")
    mkdir(root + "/hl", 0o755)
    let fd = open(root + "/hl/a", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    if fd >= 0 { close(fd) }
    link(root + "/hl/a", root + "/hl/b")
    var bound = stat(), target = stat()
    return stat(root + "/b3/f1", &bound) == 0 && stat(root + "/d3/f1", &target) == 0 && bound.st_ino == target.st_ino
}

/// Holds the witness locks for `entries` (read or write) on the tree's own
/// files under `root`, so that every name of a file locks its one inode;
/// returns the violations and the open fds.
func witness(_ entries: [(text: String, leaves: [String], read: Bool)], in root: String) -> (Int, [Int32]) {
    var violations = 0
    var fds: [Int32] = []
    var modes: [String: Bool] = [:]                       // leaf -> exclusive?
    for entry in entries {
        for leaf in entry.leaves { modes[leaf] = (modes[leaf] ?? false) || !entry.read }
    }
    for (leaf, exclusive) in modes {
        var fd: Int32 = -1
        repeat {
            fd = open(root + "/" + leaf, O_RDONLY | O_CLOEXEC)
        } while fd < 0 && errno == EINTR
        guard fd >= 0 else {
            say("wir-testprobe: witness: cannot open \(leaf): errno \(errno)", to: 2)
            exit(5)
        }
        var rc: Int32 = 0
        repeat { rc = flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) } while rc != 0 && errno == EINTR
        if rc != 0 {
            guard errno == EWOULDBLOCK else {
                say("wir-testprobe: witness: flock \(leaf): errno \(errno)", to: 2)
                exit(5)
            }
            violations += 1
            var info = stat()
            fstat(fd, &info)
            let holders = (SystemFiles.read("/proc/locks") ?? "").split(separator: "\n")
                .filter { $0.contains(":\(info.st_ino) ") }.joined(separator: " | ")
            say("wir-testprobe: VIOLATION pid \(getpid()) leaf \(leaf) \(exclusive ? "exclusive" : "shared") "
                + "entries \(entries.map { ($0.read ? "r:" : "w:") + $0.text }); locks: \(holders)", to: 2)
        }
        fds.append(fd)
    }
    return (violations, fds)
}

/// In a forked child: claims `entries` (queue, 2 s) on a registry of its own, takes the
/// witness's locks, and kills itself holding. Exits 3 on a violation, 0 if not admitted,
/// 1 on an error.
func crash(registryPath: String, root: String, entries: [(text: String, leaves: [String], read: Bool)]) -> Never {
    do {
        let registry = try Registry(path: registryPath)
        let outcome = try registry.claim(ClaimSpec(taskID: "crash-\(getpid())",
                                                   writes: entries.filter { !$0.read }.map(\.text),
                                                   reads: entries.filter(\.read).map(\.text), ttlMs: 60_000,
                                                   policy: .queue, timeoutMs: 2000))
        guard case .admitted = outcome.result else { exit(0) }
        let (violations, _) = witness(entries, in: root)
        if violations > 0 { exit(3) }
        kill(getpid(), SIGKILL)
    } catch {
        say("wir-testprobe: crash: \(error)", to: 2)
    }
    exit(1)
}

func torture(registryPath: String, root: String, iterations: Int, seed: UInt64) throws {
    var random = SplitMix(seed: seed)
    var counts = TortureCounts()
    let registry = try Registry(path: registryPath)
    let entries = tortureEntries + (prepareTree(root) ? bindEntries : [])
    func pick() -> [(text: String, leaves: [String], read: Bool)] {
        (0..<(1 + Int(random.next() % 3))).map { _ in
            let (text, leaves) = entries[Int(random.next() % UInt64(entries.count))]
            return (text.isEmpty ? root : root + "/" + text, leaves, random.next() % 3 == 0)
        }
    }
    func spec(_ task: String, _ entries: [(text: String, leaves: [String], read: Bool)], policy: Policy) -> ClaimSpec {
        ClaimSpec(taskID: task, writes: entries.filter { !$0.read }.map(\.text),
                  // Random leases too long to lapse during a run: a lapsed lease lets another task
                  // in by design (fencing tokens are the remedy), which is no exclusivity bug.
                  reads: entries.filter(\.read).map(\.text), ttlMs: 30_000 + Int64(random.next() % 60_000),
                  policy: policy, timeoutMs: Int64(random.next() % 300))
    }
    for iteration in 0..<iterations {
        let entries = pick()
        if entries.allSatisfy(\.read) && random.next() % 2 == 0 { continue }
        if random.next() % 50 == 0 {
            // A holder that dies holding: forked from this worker, which has the registry open
            // (wir closes its SQLite connections around the fork, so the child inherits none of
            // SQLite's lock bookkeeping), opens its own. The kernel drops its flocks; wir must
            // reap its claim.
            let pid = fork()
            if pid == 0 { crash(registryPath: registryPath, root: root, entries: entries) }
            guard pid > 0 else { counts.errors += 1; continue }
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            if (status & 0x7f) == SIGKILL {
                counts.crashed += 1
            } else if (status >> 8) & 0xff == 3 {
                counts.violations += 1
            } else if (status >> 8) & 0xff != 0 {
                counts.errors += 1
            }
            continue
        }
        let roll = random.next() % 10
        let policy: Policy = roll < 5 ? .refuse : (roll < 9 ? .queue : .warn)
        do {
            let outcome = try registry.claim(spec("t-\(getpid())-\(iteration)", entries, policy: policy))
            switch outcome.result {
            case .admitted(let record, _, let warnings):
                if !warnings.isEmpty {
                    counts.warned += 1                         // admitted despite overlaps, by design
                } else {
                    counts.admitted += 1
                    let (violations, fds) = witness(entries, in: root)
                    counts.violations += violations
                    usleep(UInt32(random.next() % 1500))
                    fds.forEach { close($0) }
                }
                try registry.release(taskID: record.taskID, key: record.key, outcome: .completed)
            case .refused: counts.refused += 1
            case .timedOut: counts.timedOut += 1
            }
        } catch {
            counts.errors += 1
            say("wir-testprobe: iteration \(iteration): \(error)", to: 2)
        }
    }
    say("admitted=\(counts.admitted) refused=\(counts.refused) timedout=\(counts.timedOut) warned=\(counts.warned) "
        + "crashed=\(counts.crashed) violations=\(counts.violations) errors=\(counts.errors)")
}

do {
    switch arguments.dropFirst().first {
    case "hold" where arguments.count >= 5:
        try hold(registryPath: arguments[2], task: arguments[3], paths: Array(arguments[4...]))
    case "hold-main-exits" where arguments.count >= 5:
        try hold(registryPath: arguments[2], task: arguments[3], paths: Array(arguments[4...]), mainExits: true)
    case "hold-ttl" where arguments.count >= 6:
        guard let ttl = Int64(arguments[4]), ttl > 0 else { fail("bad TTL") }
        try hold(registryPath: arguments[2], task: arguments[3], ttlMs: ttl, paths: Array(arguments[5...]))
    case "queue" where arguments.count >= 7:
        guard let hold = Int(arguments[4]), let timeout = Int64(arguments[5]) else { fail("bad numbers") }
        try queue(registryPath: arguments[2], task: arguments[3], holdMs: hold, timeoutMs: timeout,
                  paths: Array(arguments[6...]))
    case "torture" where arguments.count == 6:
        guard let iterations = Int(arguments[4]), let seed = UInt64(arguments[5]) else { fail("bad numbers") }
        try torture(registryPath: arguments[2], root: arguments[3], iterations: iterations, seed: seed)
    case "race" where arguments.count == 7:
        guard let iterations = Int(arguments[5]), let seed = UInt64(arguments[6]) else { fail("bad numbers") }
        try race(registryPath: arguments[2], root: arguments[3], witness: arguments[4],
                 iterations: iterations, seed: seed)
    default:
        fail("usage: hold REGISTRY TASK PATH... | hold-ttl REGISTRY TASK TTL_MS PATH... | queue REGISTRY TASK HOLD_MS TIMEOUT_MS PATH... "
             + "| race REGISTRY ROOT WITNESS ITERATIONS SEED")
    }
} catch {
    fail("\(error)")
}
