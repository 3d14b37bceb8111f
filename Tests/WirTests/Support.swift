import Foundation
import Synchronization
import Testing
import WirEngine
@testable import WirHost
@testable import WirSQLite
@testable import WirRegistry

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

/// After the migration that added the conflict log's count and last time, the two rows written
/// before it (a refusal by 'poller' at 1000, a wait by 'waiter' at 2000 that lasted 500 ms) read
/// as one attempt each, last changed then, and the old refusal is the row a repeat counts on.
func expectMigratedConflictLog(_ store: any RegistryStore) throws {
    let rows = try store.read { try $0.conflictLog(sinceMs: 0, limit: 10, outcomes: []) }
    #expect(rows.map { "\($0.taskID):\($0.count):\($0.lastMs)" } == ["poller:1:1000", "waiter:1:2500"])
    let repeated = ConflictLogEntry(atMs: 3000, taskID: "poller", conflict: try #require(rows.first).conflict,
                                    policy: .refuse, outcome: .refused)
    #expect(try store.write { try $0.countRepeat(of: repeated) })
    #expect(try store.read { try $0.conflictLog(sinceMs: 2600, limit: 10, outcomes: []) }.map(\.count) == [2])
}

/// Claim 'old' on /a (label "kept") as a registry just before allowed writes were kept (SQLite
/// version 7, PostgreSQL version 4) holds it: SQL both stores take.
let claimBeforeAllowedWrites = """
    INSERT INTO claims(task_id, secret, token, host, pid, start_time, boot_id, created_ms, expires_ms, ttl_ms,
                       entries, label, owners, parent_task_id)
    VALUES ('old', 'k', 7, 'h', 1, 1, 'b', 0, 9000000000000, 1000, 'w /a', 'kept', '', '');
    INSERT INTO claim_entries(path, task_id, entry) VALUES ('/a', 'old', 'w /a');
    """

/// After the migration that keeps allowed writes: claim 'old' holds /a with none, and a new
/// claim keeps its own.
func checkAllowedWritesAfterMigration(in store: any RegistryStore) throws {
    let old = try #require(try store.read { try $0.claim(taskID: "old") })
    #expect(old.label == "kept" && old.allowWrites.isEmpty)
    #expect(try store.read { try $0.holdings(overlapping: CanonicalPath(canonical: "/a/b")) }.map(\.taskID) == ["old"])
    try store.write { tx in
        try tx.insert(ClaimRecord(taskID: "new", key: "k", token: try tx.issueToken(), owner: owner(1), createdMs: 0,
                                  expiresMs: 10, ttlMs: 10, allowWrites: paths("/tmp/wir-run-x")),
                      entries: [try entry("/b")])
    }
    #expect(try store.read { try $0.claim(taskID: "new") }?.allowWrites == paths("/tmp/wir-run-x"))
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

/// A waiter row as written before waiters kept their claim's terms (SQLite 8, PostgreSQL 5).
let waiterBeforeTerms = """
    INSERT INTO waiters(task_id, host, pid, start_time, boot_id, entries, enqueued_ms, expires_ms, parent_task_id, pid_ns)
    VALUES ('queued', 'h', 2, 2, 'b', 'w /q', 5, 9000000000000, '', '');
    """

/// After the migration that keeps waiters' terms: the old waiter is still queued, with none (it
/// is woken to look for itself), and waits for ever.
func checkWaiterTermsAfterMigration(in store: any RegistryStore) throws {
    let waiters = try store.read { try $0.waiters() }
    #expect(waiters.map(\.taskID) == ["queued"])
    #expect(waiters.first?.terms == nil && waiters.first?.deadlineMs == 0)
}
