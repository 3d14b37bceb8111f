// Helper processes for wir's cross-process tests. Not installed.
//
//   wir-testprobe hold REGISTRY TASK PATH...
//       claims PATH... for TASK, prints "held TOKEN KEY", then sleeps until killed.
//   wir-testprobe queue REGISTRY TASK HOLD_MS TIMEOUT_MS PATH...
//       claims PATH... under the queue policy; prints "queued TASK" when it
//       first waits, "admitted TASK NS" (CLOCK_MONOTONIC) when admitted, holds
//       HOLD_MS (-1: until killed), releases, prints "released TASK NS".
//       On timeout prints "timed-out TASK" and exits 3.
//   wir-testprobe race REGISTRY ROOT WITNESS ITERATIONS SEED
//       claims random entries of the tree ROOT/{d1,d2}/{f1,f2} again and again;
//       while it holds a claim it flocks, without blocking, one witness file in
//       WITNESS per leaf the claim covers. A failed flock means two overlapping
//       claims were held at once. Prints "admitted=A refused=R violations=V".
#if canImport(Glibc)
import Glibc
#endif
import WirEngine
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

func hold(registryPath: String, task: String, paths: [String]) throws -> Never {
    let registry = try Registry(path: registryPath)
    let outcome = try registry.claim(ClaimSpec(taskID: task, writes: paths))
    guard case .admitted(let record, _, _) = outcome.result else { fail("refused: \(outcome.result)") }
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

func monotonicNs() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

func queue(registryPath: String, task: String, holdMs: Int, timeoutMs: Int64, paths: [String]) throws {
    let registry = try Registry(path: registryPath)
    var announced = false
    let outcome = try registry.claim(ClaimSpec(taskID: task, writes: paths, policy: .queue, timeoutMs: timeoutMs)) { _, _, _ in
        if !announced { say("queued \(task)"); announced = true }
    }
    switch outcome.result {
    case .admitted(let record, _, _):
        say("admitted \(task) \(monotonicNs())")
        if holdMs < 0 { while true { pause() } }
        usleep(UInt32(holdMs) * 1000)
        let released = monotonicNs()
        try registry.release(taskID: task, key: record.key, outcome: .completed)
        say("released \(task) \(released)")
    default:
        say("timed-out \(task)")
        exit(3)
    }
}

/// A small deterministic generator, so a failing run can be replayed by seed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension String {
    func replacingOccurrences(of target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}

do {
    switch arguments.dropFirst().first {
    case "hold" where arguments.count >= 5:
        try hold(registryPath: arguments[2], task: arguments[3], paths: Array(arguments[4...]))
    case "queue" where arguments.count >= 7:
        guard let hold = Int(arguments[4]), let timeout = Int64(arguments[5]) else { fail("bad numbers") }
        try queue(registryPath: arguments[2], task: arguments[3], holdMs: hold, timeoutMs: timeout,
                  paths: Array(arguments[6...]))
    case "race" where arguments.count == 7:
        guard let iterations = Int(arguments[5]), let seed = UInt64(arguments[6]) else { fail("bad numbers") }
        try race(registryPath: arguments[2], root: arguments[3], witness: arguments[4],
                 iterations: iterations, seed: seed)
    default:
        fail("usage: hold REGISTRY TASK PATH... | queue REGISTRY TASK HOLD_MS TIMEOUT_MS PATH... "
             + "| race REGISTRY ROOT WITNESS ITERATIONS SEED")
    }
} catch {
    fail("\(error)")
}
