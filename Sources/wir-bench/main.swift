// wir-bench: claim+release latency through the C API, printed as a table.
//
// Configurations are measured in the same run, alternating in short rounds,
// so that a noisy neighbour slows all of them alike; compare the ratios.
//   1 path vs 16 paths, on a registry holding 10 live claims
//   1 path, on a registry holding 10 vs 100,000 live claims (held by other tasks)
// Then the queue hand-off: a process releases a path another process waits
// for (queue policy); the time from the release to the waiter's admission,
// and the CPU time the waiter used while it waited.
//
// usage: wir-bench [--live N] [--rounds R] [--per-round K] [--handoffs H] [--dir DIR]
#if canImport(Glibc)
import Glibc
#endif
import CWir

struct Options {
    var live = 100_000
    var rounds = 40
    var perRound = 100
    var dir = "/tmp"
    var handoffs = 200

    init(_ arguments: [String]) {
        var rest = arguments.dropFirst()[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { fatal("\(flag) needs a value") }
            switch flag {
            case "--live": live = Int(value) ?? live
            case "--rounds": rounds = Int(value) ?? rounds
            case "--per-round": perRound = Int(value) ?? perRound
            case "--dir": dir = value
            case "--handoffs": handoffs = Int(value) ?? handoffs
            default: fatal("unknown option \(flag)")
            }
        }
    }
}

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

/// A registry file with `live` claims held by other tasks, kept open.
final class Fixture {
    let registry: OpaquePointer
    let path: String

    init(path: String, live: Int) {
        self.path = path
        unlink(path)
        var reg: OpaquePointer?
        guard wir_open(&reg, path) == WIR_OK, let reg else { fatal("wir_open: \(String(cString: wir_errmsg()))") }
        registry = reg
        for index in 0..<live {
            let writes = cStrings(["/wir-bench/live/\(index % 1000)/\(index)/data.json"])
            let task = strdup("live-\(index)")
            writes.withUnsafeBufferPointer { buffer in
                var options = wir_claim_opts()
                options.version = UInt32(WIR_CLAIM_OPTS_VERSION)
                options.task_id = UnsafePointer(task)
                options.writes = buffer.baseAddress
                options.n_writes = 1
                options.ttl_ms = 3_600_000
                var claim: OpaquePointer?
                guard wir_claim(&claim, reg, &options) == WIR_OK else { fatal("populate: \(String(cString: wir_errmsg()))") }
                wir_claim_free(claim)
            }
            free(task)
        }
    }
}

/// One measured configuration: a registry and a write set.
final class Case {
    let name: String
    let fixture: Fixture
    let writes: [UnsafePointer<CChar>?]
    var samples: [UInt64] = []

    init(_ name: String, _ fixture: Fixture, paths: Int) {
        self.name = name
        self.fixture = fixture
        writes = cStrings((0..<paths).map { "/wir-bench/work/dir\($0 % 4)/file-\($0).jsonl" })
    }

    func run(_ count: Int) {
        writes.withUnsafeBufferPointer { buffer in
            var options = wir_claim_opts()
            options.version = UInt32(WIR_CLAIM_OPTS_VERSION)
            options.writes = buffer.baseAddress
            options.n_writes = buffer.count
            for _ in 0..<count {
                var claim: OpaquePointer?
                let start = nowNs()
                guard wir_claim(&claim, fixture.registry, &options) == WIR_OK,
                      wir_release(fixture.registry, claim, WIR_OUTCOME_COMPLETED) == WIR_OK else {
                    fatal("\(name): \(String(cString: wir_errmsg()))")
                }
                samples.append(nowNs() - start)
                wir_claim_free(claim)
            }
        }
    }

    func percentile(_ p: Double) -> Double {
        let sorted = samples.sorted()
        return Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1000
    }
}

let options = Options(CommandLine.arguments)
let pid = getpid()
print("wir-bench: populating registries (10 and \(options.live) live claims) in \(options.dir) ...")
let small = Fixture(path: "\(options.dir)/wir-bench-\(pid)-small.db", live: 10)
let large = Fixture(path: "\(options.dir)/wir-bench-\(pid)-large.db", live: options.live)
let cases = [
    Case("1 path, 10 live claims", small, paths: 1),
    Case("16 paths, 10 live claims", small, paths: 16),
    Case("1 path, \(options.live) live claims", large, paths: 1),
]
for _ in 0..<options.rounds {
    for item in cases { item.run(options.perRound) }
}

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}
func fixed(_ value: Double) -> String {
    let hundredths = Int((value * 100).rounded())
    return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
}

print("claim+release through the C API, \(options.rounds) alternating rounds x \(options.perRound) (µs)")
print(pad("case", 34) + pad("median", 10) + pad("p99", 10))
for item in cases {
    print(pad(item.name, 34) + pad(fixed(item.percentile(0.5)), 10) + pad(fixed(item.percentile(0.99)), 10))
}
let base = cases[0].percentile(0.5)
print("ratio 16 paths / 1 path (median):        \(fixed(cases[1].percentile(0.5) / base))")
print("ratio \(options.live) / 10 live claims (median): \(fixed(cases[2].percentile(0.5) / base))")
for fixture in [small, large] {
    wir_close(fixture.registry)
    for suffix in ["", "-wal", "-shm"] { unlink(fixture.path + suffix) }
}

// MARK: - Queue hand-off

func cpuMicroseconds() -> Int64 {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Int64(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1_000_000
        + Int64(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec)
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

/// Claims `path` under the queue policy on `reg`; returns when admitted.
func queueClaim(_ reg: OpaquePointer, _ path: UnsafePointer<CChar>?, task: String) -> OpaquePointer {
    let writes = [path]
    return writes.withUnsafeBufferPointer { buffer in
        var options = wir_claim_opts()
        options.version = UInt32(WIR_CLAIM_OPTS_VERSION)
        options.writes = buffer.baseAddress
        options.n_writes = 1
        options.policy = WIR_POLICY_QUEUE
        options.timeout_ms = 60_000
        var claim: OpaquePointer?
        guard wir_claim(&claim, reg, &options) == WIR_OK, let claim else {
            fatal("hand-off \(task): \(String(cString: wir_errmsg()))")
        }
        return claim
    }
}

func handoff(registryPath: String, rounds: Int) {
    var toChild: [Int32] = [0, 0], toParent: [Int32] = [0, 0]
    guard pipe(&toChild) == 0, pipe(&toParent) == 0 else { fatal("pipe") }
    let path = UnsafePointer(strdup("/wir-bench/handoff/state.json"))
    let child = fork()
    if child == 0 {
        // The waiter: on each "go", wait for the path, report, release.
        close(toChild[1]); close(toParent[0])
        var reg: OpaquePointer?
        guard wir_open(&reg, registryPath) == WIR_OK, let reg else { _exit(1) }
        while readLine(toChild[0]) == "go" {
            let cpuBefore = cpuMicroseconds(), start = nowNs()
            let claim = queueClaim(reg, path, task: "waiter")
            let admitted = nowNs()
            let cpu = cpuMicroseconds() - cpuBefore
            _ = wir_release(reg, claim, WIR_OUTCOME_COMPLETED)
            wir_claim_free(claim)
            writeLine(toParent[1], "\(admitted) \(cpu) \((admitted - start) / 1000)")
        }
        _exit(0)
    }
    close(toChild[0]); close(toParent[1])
    var reg: OpaquePointer?
    guard wir_open(&reg, registryPath) == WIR_OK, let reg else { fatal("wir_open") }
    var latencies: [Double] = [], cpuShare: [Double] = []
    for _ in 0..<rounds {
        let claim = queueClaim(reg, path, task: "holder")
        writeLine(toChild[1], "go")
        usleep(20_000)                               // the waiter queues and sleeps
        let released = nowNs()
        guard wir_release(reg, claim, WIR_OUTCOME_COMPLETED) == WIR_OK else { fatal("release") }
        wir_claim_free(claim)
        guard let report = readLine(toParent[0]) else { fatal("the waiter died") }
        let fields = report.split(separator: " ").compactMap { Int64($0) }
        latencies.append(Double(UInt64(fields[0]) &- released) / 1000)
        cpuShare.append(Double(fields[1]) / Double(max(1, fields[2])))
    }
    close(toChild[1])
    var status: Int32 = 0
    waitpid(child, &status, 0)
    wir_close(reg)
    latencies.sort()
    cpuShare.sort()
    func at(_ values: [Double], _ p: Double) -> Double { values[min(values.count - 1, Int(Double(values.count) * p))] }
    print("queue hand-off across processes, \(rounds) rounds: release -> waiter admitted (µs)")
    print(pad("hand-off", 34) + pad(fixed(at(latencies, 0.5)), 10) + pad(fixed(at(latencies, 0.99)), 10))
    print("waiter CPU while waiting (% of the wait): median \(fixed(at(cpuShare, 0.5) * 100)), "
          + "p99 \(fixed(at(cpuShare, 0.99) * 100))")
    for suffix in ["", "-wal", "-shm"] { unlink(registryPath + suffix) }
}

handoff(registryPath: "\(options.dir)/wir-bench-\(pid)-handoff.db", rounds: options.handoffs)
