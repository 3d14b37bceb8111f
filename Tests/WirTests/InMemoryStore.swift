import Foundation
import Synchronization
import Testing
import WirEngine
import WirStorage
@testable import WirHost
@testable import WirSQLite
@testable import WirRegistry

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
                entries.filter { entry in bases.contains { base in entry.indexBases.contains { $0.overlaps(base) } } }
                    .map { Holding(entry: $0, taskID: task) }
            }.sorted()
        }
        func expiredClaims(atOrBefore nowMs: Int64, limit: Int) throws -> [ClaimRecord] {
            Array(state.claims.values.filter { $0.expiresMs <= nowMs }.sorted { $0.expiresMs < $1.expiresMs }.prefix(limit))
        }
        func children(of taskID: String) throws -> [ClaimRecord] {
            state.claims.values.filter { $0.parentTaskID == taskID && !taskID.isEmpty }.sorted { $0.taskID < $1.taskID }
        }
        func allClaims() throws -> [ClaimRecord] { state.claims.values.sorted { $0.taskID < $1.taskID } }
        func issueToken() throws -> Int64 {
            guard state.lastToken < .max else { throw TokenCounter.damaged(registry: "memory", holding: "\(state.lastToken)") }
            state.lastToken += 1
            return state.lastToken
        }
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
        func countRepeat(of entry: ConflictLogEntry) throws -> Bool {
            guard let index = state.log.lastIndex(where: { row in
                row.ticket == nil && row.entry.taskID == entry.taskID && row.entry.outcome == entry.outcome
                    && row.entry.conflict.holderTaskID == entry.conflict.holderTaskID
                    && row.entry.conflict.requested == entry.conflict.requested
                    && row.entry.conflict.held == entry.conflict.held
            }) else { return false }
            state.log[index].entry.count += 1
            state.log[index].entry.lastMs = entry.atMs
            return true
        }
        func resolveLog(ticket: Int64, outcome: ConflictOutcome, waitedMs: Int64) throws {
            for index in state.log.indices where state.log[index].ticket == ticket {
                state.log[index].entry.outcome = outcome
                state.log[index].entry.waitedMs = waitedMs
                state.log[index].entry.lastMs = state.log[index].entry.atMs + waitedMs
                state.log[index].ticket = nil
            }
        }
        func conflictLog(sinceMs: Int64, limit: Int, outcomes: Set<ConflictOutcome>) throws -> [ConflictLogEntry] {
            Array(state.log.map(\.entry).filter { $0.lastMs >= sinceMs && (outcomes.isEmpty || outcomes.contains($0.outcome)) }
                .enumerated().sorted { ($0.element.lastMs, $0.offset) < ($1.element.lastMs, $1.offset) }
                .map(\.element).prefix(limit))
        }
        func history(sinceMs: Int64, limit: Int) throws -> [HistoryEntry] {
            Array(state.history.filter { $0.endedMs >= sinceMs }.prefix(limit))
        }
        func prune(logBeforeMs: Int64?, historyBeforeMs: Int64?) throws -> Int {
            let before = state.log.count + state.history.count
            if let logBeforeMs { state.log.removeAll { $0.entry.lastMs < logBeforeMs && $0.ticket == nil } }
            if let historyBeforeMs { state.history.removeAll { $0.endedMs < historyBeforeMs } }
            return before - state.log.count - state.history.count
        }
        func settings() throws -> RegistrySettings { state.settings }

        func save(_ settings: RegistrySettings) throws { state.settings = settings }
    }
}
