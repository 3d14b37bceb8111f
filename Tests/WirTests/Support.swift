import Foundation
import Synchronization
import Testing
import WirEngine
@testable import WirHost
@testable import WirSQLite
@testable import WirRegistry

/// A clock the test moves by hand.
final class FakeClock: Clock, @unchecked Sendable {
    private let now = Mutex<Int64>(1_700_000_000_000)
    func nowMs() -> Int64 { now.withLock { $0 } }
    func advance(ms: Int64) { now.withLock { $0 += ms } }
}

/// Liveness the test decides: owners are alive unless their pid is marked dead,
/// and owners on hosts other than "here" are remote.
final class FakeLiveness: OwnerLiveness, @unchecked Sendable {
    private let dead = Mutex<Set<Int32>>([])
    func kill(pid: Int32) { dead.withLock { _ = $0.insert(pid) } }
    func status(of owner: Owner) -> OwnerStatus {
        if owner.host != "here" { return .remote }
        return dead.withLock { $0.contains(owner.pid) } ? .dead : .alive
    }
}

/// A store in memory: every transaction works on a copy that replaces the
/// state only if the body returns. Overlap is found by scanning, as the
/// reference the SQLite store's index queries must agree with.
final class InMemoryStore: RegistryStore {
    struct State {
        var claims: [String: ClaimRecord] = [:]
        var entries: [String: Set<PathEntry>] = [:]
        var lastToken: Int64 = 0
        var history: [HistoryEntry] = []
        var log: [(entry: ConflictLogEntry, ticket: Int64?)] = []
        var waiters: [Waiter] = []
        var lastTicket: Int64 = 0
        var settings = RegistrySettings()
    }
    var state = State()

    func write<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        let tx = Transaction(state: state)
        let result = try body(tx)
        state = tx.state
        return result
    }

    func read<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try body(Transaction(state: state))
    }

    final class Transaction: StoreTransaction {
        var state: State
        init(state: State) { self.state = state }

        func claim(taskID: String) throws -> ClaimRecord? { state.claims[taskID] }
        func entries(taskID: String) throws -> [PathEntry] { (state.entries[taskID] ?? []).sorted() }
        func holdings(overlappingAny bases: [CanonicalPath]) throws -> [Holding] {
            state.entries.flatMap { task, entries in
                entries.filter { entry in bases.contains { entry.base.overlaps($0) } }
                    .map { Holding(entry: $0, taskID: task) }
            }.sorted()
        }
        func expiredClaims(atOrBefore nowMs: Int64, limit: Int) throws -> [ClaimRecord] {
            Array(state.claims.values.filter { $0.expiresMs <= nowMs }.sorted { $0.expiresMs < $1.expiresMs }.prefix(limit))
        }
        func allClaims() throws -> [ClaimRecord] { state.claims.values.sorted { $0.taskID < $1.taskID } }
        func issueToken() throws -> Int64 { state.lastToken += 1; return state.lastToken }
        func insert(_ claim: ClaimRecord, entries: [PathEntry]) throws {
            state.claims[claim.taskID] = claim
            state.entries[claim.taskID] = Set(entries)
        }
        func rewriteEntries(_ entries: [PathEntry], adding: [PathEntry], removing: [PathEntry], taskID: String) throws {
            state.entries[taskID] = Set(entries)
        }
        func update(_ claim: ClaimRecord) throws { state.claims[claim.taskID] = claim }
        func delete(taskID: String) throws -> [PathEntry] {
            state.claims[taskID] = nil
            return (state.entries.removeValue(forKey: taskID) ?? []).sorted()
        }
        func waiters() throws -> [Waiter] { state.waiters }
        func enqueue(_ waiter: Waiter) throws -> Int64 {
            state.lastTicket += 1
            var queued = waiter
            queued.ticket = state.lastTicket
            state.waiters.append(queued)
            return queued.ticket
        }
        func renew(ticket: Int64, expiresMs: Int64) throws -> Bool {
            guard let index = state.waiters.firstIndex(where: { $0.ticket == ticket }) else { return false }
            state.waiters[index].expiresMs = expiresMs
            return true
        }
        func dequeue(ticket: Int64) throws { state.waiters.removeAll { $0.ticket == ticket } }
        func record(_ entry: HistoryEntry) throws { state.history.append(entry) }
        func log(_ entry: ConflictLogEntry, ticket: Int64?) throws { state.log.append((entry, ticket)) }
        func resolveLog(ticket: Int64, outcome: ConflictOutcome, waitedMs: Int64) throws {
            for index in state.log.indices where state.log[index].ticket == ticket {
                state.log[index].entry.outcome = outcome
                state.log[index].entry.waitedMs = waitedMs
                state.log[index].ticket = nil
            }
        }
        func conflictLog(sinceMs: Int64, limit: Int) throws -> [ConflictLogEntry] {
            Array(state.log.map(\.entry).filter { $0.atMs >= sinceMs }.prefix(limit))
        }
        func history(sinceMs: Int64, limit: Int) throws -> [HistoryEntry] {
            Array(state.history.filter { $0.endedMs >= sinceMs }.prefix(limit))
        }
        func prune(beforeMs: Int64) throws -> Int {
            let before = state.log.count + state.history.count
            state.log.removeAll { $0.entry.atMs < beforeMs && $0.ticket == nil }
            state.history.removeAll { $0.endedMs < beforeMs }
            return before - state.log.count - state.history.count
        }
        func settings() throws -> RegistrySettings { state.settings }

        func save(_ settings: RegistrySettings) throws { state.settings = settings }
    }
}

/// Records the waiters the engine asked to wake.
final class RecordingWakeups: Wakeups, @unchecked Sendable {
    private let woken = Mutex<[Int64]>([])
    func wake(tickets: [Int64]) { woken.withLock { $0 += tickets } }
    func take() -> [Int64] { woken.withLock { let all = $0; $0 = []; return all } }
}

/// A fresh directory under the system temp dir, removed when the value dies.
final class TempDir {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "wir-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func file(_ name: String) -> String { path + "/" + name }
}

/// A registry file as wir version 1 wrote it, holding claim 'old' on `paths`
/// (token 7), for migration tests.
func makeVersionOneRegistry(at path: String, paths: [String]) throws {
    let connection = try SQLiteConnection(path: path, busyTimeoutMs: 100)
    try connection.execute(SQLiteSchema.migrations[0])
    let joined = paths.joined(separator: "\n")
    try connection.execute("INSERT INTO claims VALUES ('old', 'k', 7, 'h', 1, 1, 'b', 0, 9000000000000, 1000, '\(joined)')")
    for path in paths { try connection.execute("INSERT INTO claim_paths VALUES ('\(path)', 'old')") }
    try connection.execute("""
        UPDATE counters SET value = 7;
        PRAGMA application_id = \(SQLiteSchema.applicationID);
        PRAGMA user_version = 1;
        """)
}

/// Sums "name=number" fields from the output of probe processes.
func totals(_ outputs: [String]) -> [String: Int] {
    var sums: [String: Int] = [:]
    for output in outputs {
        for field in output.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let parts = field.split(separator: "=")
            if parts.count == 2, let value = Int(parts[1]) { sums[String(parts[0]), default: 0] += value }
        }
    }
    return sums
}

/// Owners for engine tests.
func owner(_ pid: Int32, host: String = "here") -> Owner {
    Owner(host: host, pid: pid, startTime: 100, bootID: "boot")
}

func paths(_ values: String...) -> [CanonicalPath] { values.map { CanonicalPath(lexical: $0)! } }

/// The helper executables built beside the test bundle.
enum BuiltProducts {
    static var directory: String {
        (try! FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") as NSString)
            .deletingLastPathComponent
    }
    static var probe: String { directory + "/wir-testprobe" }
}

/// A child process whose stdout can be read line by line.
final class Child {
    let process = Process()
    private let output = Pipe()

    /// Starts `executable` with this process's environment plus `environment`.
    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardOutput = output
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// SIGKILL, then wait. (SIGTERM from `Process.terminate()` may be blocked in
    /// children of the test runner.) A child still running when its Child
    /// value goes away is stopped the same way, so a failing test leaks none.
    func stop() {
        guard process.isRunning else { return }
        kill(pid, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }

    /// Reads one line of the child's output (blocking).
    func readLine() -> String {
        var bytes: [UInt8] = []
        while true {
            let chunk = output.fileHandleForReading.readData(ofLength: 1)
            guard let byte = chunk.first, byte != UInt8(ascii: "\n") else { break }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Waits for exit and returns the rest of the output.
    func finish() -> (status: Int32, output: String) {
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// The batched overlap query (ancestors shared between bases) finds exactly
/// what a brute-force scan of every held entry finds, each once, sorted; paths
/// with quotes, commas, braces, spaces, backslash escapes and non-ASCII bytes
/// survive the trip (PostgreSQL passes them in array parameters).
func checkBatchedHoldings(in store: any RegistryStore) throws {
    let held = ["/", "/a", "/a/b", "/a/b/c", "/a/b-c", "/a/b.txt", "/a/bc", "/x/y", "/a/b/c/d/e",
                "/q/say \"hi\", {x}", "/q/it's", "/q/caf\u{E9}", "/q/cafe\u{301}"]
    let globs = ["/a/*/c", "/x/**/z", "/q/lit\\*star/*.py"]
    try store.write { tx in
        for (index, text) in (held + globs).enumerated() {
            try tx.insert(ClaimRecord(taskID: "t\(index)", key: "k", token: try tx.issueToken(), owner: owner(1),
                                      createdMs: 0, expiresMs: 10, ttlMs: 10), entries: [try entry(text)])
        }
    }
    let everything = try store.read { tx in
        try tx.allClaims().flatMap { claim in
            try tx.entries(taskID: claim.taskID).map { Holding(entry: $0, taskID: claim.taskID) }
        }
    }
    #expect(Set(everything.map(\.entry.text)) == Set(held + globs), "entries come back byte for byte")
    for bases in [["/a/b"], ["/a/b", "/a/b/c", "/a/bc"], ["/none"], ["/x/y/z", "/x/w", "/a"], ["/a/b/c/d", "/a/b/c/d"],
                  ["/q/say \"hi\", {x}"], ["/q/caf\u{E9}"], ["/q/lit*star"], ["/q"]] {
        let canonical = bases.map { CanonicalPath(lexical: $0)! }
        let found = try store.read { try $0.holdings(overlappingAny: canonical) }
        let expected = everything.filter { holding in canonical.contains { holding.entry.base.overlaps($0) } }.sorted()
        #expect(found == expected, "\(bases)")
    }
}
