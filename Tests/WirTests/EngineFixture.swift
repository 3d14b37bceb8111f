import Testing
import WirEngine
@testable import WirSQLite
@testable import WirPostgres

final class EngineFixture {
    let dir = TempDir()
    /// The PostgreSQL store's own schema, dropped with the fixture.
    let schema: ScratchSchema?
    let clock = FakeClock()
    let liveness = FakeLiveness()
    let wakeups = RecordingWakeups()
    let store: any RegistryStore
    let engine: Engine

    init(_ kind: StoreKind) throws {
        schema = kind == .postgres ? ScratchSchema("engine") : nil
        switch kind {
        case .memory: store = InMemoryStore()
        case .sqlite: store = try SQLiteStore(path: dir.file("registry.db"))
        case .postgres: store = try schema!.store()
        }
        engine = Engine(clock: clock, liveness: liveness, wakeups: wakeups)
    }

    func request(_ task: String, _ writes: [String], reads: [String] = [], pid: Int32 = 1, host: String = "here",
                 ttl: Int64? = 60_000, key: String? = nil, policy: Policy? = .refuse) throws -> ClaimRequest {
        ClaimRequest(taskID: task, key: key,
                     entries: try writes.map { try entry($0) } + reads.map { try entry($0, .read) },
                     ttlMs: ttl, policy: policy, owner: owner(pid, host: host), newKey: "key-\(task)")
    }

    func claim(_ task: String, _ writes: [String], reads: [String] = [], pid: Int32 = 1, host: String = "here",
               ttl: Int64? = 60_000, key: String? = nil, policy: Policy? = .refuse,
               ticket: Int64? = nil, mayWait: Bool = true) throws -> ClaimResult {
        try engine.claim(try request(task, writes, reads: reads, pid: pid, host: host, ttl: ttl, key: key, policy: policy),
                         ticket: ticket, mayWait: mayWait, in: store)
    }

    func admitted(_ task: String, _ writes: [String], reads: [String] = [], pid: Int32 = 1, host: String = "here",
                  ttl: Int64? = 60_000, key: String? = nil, policy: Policy? = .refuse,
                  ticket: Int64? = nil) throws -> (ClaimRecord, [CanonicalPath]) {
        let result = try claim(task, writes, reads: reads, pid: pid, host: host, ttl: ttl, key: key,
                               policy: policy, ticket: ticket)
        switch result {
        case .admitted(let record, let entries, _): return (record, entries.map(\.base))
        // A waiter looking again finds the claim a release admitted on its behalf.
        case .admittedInQueue(let admission): return (admission.record, admission.entries.map(\.base))
        default:
            Issue.record("expected \(task) to be admitted, got \(result)")
            throw WirError(.conflict, "refused")
        }
    }

    func conflicts(_ task: String, _ writes: [String], reads: [String] = [], pid: Int32 = 2) throws -> [Conflict] {
        guard case .refused(let conflicts) = try claim(task, writes, reads: reads, pid: pid) else { return [] }
        return Array(conflicts)
    }

    /// Queues a request (queue policy) and returns its ticket; fails the test if it was not queued.
    func queued(_ task: String, _ writes: [String], pid: Int32, host: String = "here", ticket: Int64? = nil) throws -> Int64 {
        let result = try claim(task, writes, pid: pid, host: host, policy: .queue, ticket: ticket)
        guard case .queued(let assigned, _, _) = result else {
            Issue.record("expected \(task) to be queued, got \(result)")
            return -1
        }
        return assigned
    }

    /// Ended claims as "task:reason", oldest first, read through the store.
    func history() throws -> [String] {
        try store.read { try $0.history(sinceMs: 0, limit: .max) }.map { "\($0.claim.taskID):\($0.reason.rawValue)" }
    }

    /// The conflict log as "task>holder:outcome:waited", oldest first, read through the store.
    func conflictLog() throws -> [String] {
        try store.read { try $0.conflictLog(sinceMs: 0, limit: .max, outcomes: []) }
            .map { "\($0.taskID)>\($0.conflict.holderTaskID):\($0.outcome.rawValue):\($0.waitedMs)" }
    }

    func conflictLogCount() throws -> Int { try conflictLog().count }
}
