import Foundation
import Testing
import WirEngine
@testable import WirHost
@testable import WirSQLite
@testable import WirRegistry
import WirStorage

@Suite struct SQLiteStoreTests {
    let dir = TempDir()

    @Test func aNewRegistryGetsTheSchemaAndWAL() throws {
        let store = try SQLiteStore(path: dir.file("r.db"))
        #expect(try store.schemaVersion() == SQLiteSchema.latestVersion)
        #expect(try store.connection().integer("PRAGMA application_id") == SQLiteSchema.applicationID)
        #expect(try store.connection().uncached("PRAGMA journal_mode").first { $0.text(0) } == "wal")
        #expect(try store.connection().integer("PRAGMA synchronous") == 1, "NORMAL")
    }

    @Test func theWrittenOutSchemaObjectsAreThoseTheMigrationsMake() {
        // A start-up shortcut: a registry with exactly these objects is checked without running the
        // migrations in memory. A new migration that adds an object must add it there too.
        #expect(!SQLiteSchema.ownObjects.isEmpty)
        #expect(SQLiteSchema.knownObjects == SQLiteSchema.ownObjects)
    }

    /// A registry file made by wir at schema `version` (its first `version` migrations), holding
    /// the rows `sql` inserts; returns its path.
    private func registryFile(atVersion version: Int, holding sql: String) throws -> String {
        let path = dir.file("v\(version).db")
        let raw = try SQLiteConnection(path: path, busyTimeoutMs: 100)
        for step in SQLiteSchema.migrations[..<version] { try raw.execute(step) }
        try raw.execute(sql + """
            PRAGMA application_id = \(SQLiteSchema.applicationID);
            PRAGMA user_version = \(version);
            """)
        return path
    }

    /// Version 6: conflict-log rows gain a count and a last time; rows written before keep
    /// their meaning (one attempt, last changed when they were written or their wait ended).
    @Test func aVersionFiveRegistryMigratesItsConflictLog() throws {
        let path = try registryFile(atVersion: 5, holding: """
            INSERT INTO conflicts(at_ms, task_id, holder_task_id, requested_path, held_path, holder_host, holder_pid,
                                  policy, outcome, waited_ms) VALUES
                (1000, 'poller', 'holder', '/a', '/a', 'h', 1, 'refuse', 'refused', 0),
                (2000, 'waiter', 'holder', '/a', '/a', 'h', 1, 'queue', 'admitted', 500);
            """)
        let store = try SQLiteStore(path: path)
        #expect(try store.schemaVersion() == SQLiteSchema.latestVersion)
        try expectMigratedConflictLog(store)
    }

    /// Version 7: leases on the boot clock too, owners with their pid namespace. A claim
    /// written before keeps its owners (the old owner lines are still read) and is judged by
    /// its wall-clock lease: one still running stays held, one lapsed is reaped.
    @Test func aVersionSixRegistryKeepsItsClaimsAndTheirOwners() throws {
        let now = SystemClock().nowMs()
        let path = try registryFile(atVersion: 6, holding: """
            INSERT INTO claims(task_id, secret, token, host, pid, start_time, boot_id, created_ms, expires_ms,
                               ttl_ms, entries, owners) VALUES
                ('running', 's', 1, 'far host', 10, 100, 'b', \(now), \(now + 600_000), 600000, 'w /a',
                 'p 10 100 b far host' || char(10) || 'g 20 200 b far host'),
                ('lapsed', 's', 2, 'far host', 11, 100, 'b', \(now - 2000), \(now - 1000), 1000, 'w /b',
                 'p 11 100 b far host');
            INSERT INTO claim_entries(path, task_id, entry) VALUES ('/a', 'running', 'w /a'), ('/b', 'lapsed', 'w /b');
            """)
        let registry = try Registry(path: path)
        let claims = try registry.inFlight().claims.map(\.0)
        #expect(claims.map(\.taskID) == ["running"])
        #expect(claims.first?.owners.map { "\($0.kind) \($0.pid) \($0.host)" } == ["process 10 far host",
                                                                                   "group 20 far host"])
        guard case .refused = try registry.claim(ClaimSpec(taskID: "late", writes: ["/a"])).result else {
            Issue.record("a claim still running must be kept")
            return
        }
        guard case .admitted = try registry.claim(ClaimSpec(taskID: "after", writes: ["/b"])).result else {
            Issue.record("a lapsed claim must be reaped")
            return
        }
    }

    /// Version 8 adds the allowed writes of confined runs; claims in flight keep holding, with none.
    @Test func aVersionSevenRegistryIsMigratedWithItsClaims() throws {
        let store = try SQLiteStore(path: registryFile(atVersion: 7, holding: claimBeforeAllowedWrites))
        #expect(try store.schemaVersion() == SQLiteSchema.latestVersion)
        try checkAllowedWritesAfterMigration(in: store)
    }

    /// Version 9 keeps what a waiter's claim would be; a waiter queued before has none.
    @Test func aVersionEightRegistryKeepsItsWaiters() throws {
        let store = try SQLiteStore(path: registryFile(atVersion: 8, holding: waiterBeforeTerms))
        #expect(try store.schemaVersion() == SQLiteSchema.latestVersion)
        try checkWaiterTermsAfterMigration(in: store)
    }

    /// A confined process may write the registry's -wal and -shm but create no file beside it, so
    /// they stay when the last connection closes (SQLite would delete them), the WAL emptied, so
    /// that the next process to open the registry has nothing to replay.
    @Test func theWALFilesOutliveTheLastConnectionEmptied() throws {
        let path = dir.file("persist.db")
        do {
            let store = try SQLiteStore(path: path)
            for _ in 0..<50 { _ = try store.write { try $0.issueToken() } }
            #expect(store.confinedGrants.map { "\($0.scope) \($0.path.value)" }
                    == ["existing \(path)", "existing \(path)-wal", "existing \(path)-shm", "tree \(path).wake"])
            #expect(try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? 0 > 0)
        }
        for suffix in ["-wal", "-shm"] { #expect(FileManager.default.fileExists(atPath: path + suffix), "\(suffix)") }
        #expect(try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int == 0)
        #expect(try SQLiteStore(path: path).write { try $0.issueToken() } == 51)
    }

    @Test func aNewerSchemaIsRefusedAndLeftUntouched() throws {
        let path = dir.file("newer.db")
        do {
            let store = try SQLiteStore(path: path)
            try store.connection().execute("PRAGMA user_version=\(SQLiteSchema.latestVersion + 1)")
            try store.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        do {
            _ = try SQLiteStore(path: path)
            Issue.record("a newer registry must be refused")
        } catch let error as WirError {
            #expect(error.code == .schema)
            #expect(error.message.contains("newer wir"))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func anotherProgramsDatabaseIsRefused() throws {
        let path = dir.file("other.db")
        do {
            let other = try SQLiteConnection(path: path, busyTimeoutMs: 100)
            try other.execute("CREATE TABLE notes(body TEXT)")
        }
        #expect(throws: WirError.self) { try SQLiteStore(path: path) }
        do { _ = try SQLiteStore(path: path) } catch let error as WirError { #expect(error.code == .schema) }
    }

    @Test func aFileThatIsNotADatabaseIsCorrupt() throws {
        let path = dir.file("junk.db")
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: path))
        do {
            _ = try SQLiteStore(path: path)
            Issue.record("junk must be refused")
        } catch let error as WirError {
            #expect(error.code == .corrupt)
        }
    }

    @Test func tokensStayMonotonicAcrossReopening() throws {
        let path = dir.file("tokens.db")
        var issued: [Int64] = []
        for _ in 0..<3 {
            let store = try SQLiteStore(path: path)
            for _ in 0..<5 { issued.append(try store.write { try $0.issueToken() }) }
        }
        #expect(issued == Array(1...15))
    }

    @Test func aFailedTransactionLeavesNothing() throws {
        let store = try SQLiteStore(path: dir.file("rollback.db"))
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try store.write { tx in
                try tx.insert(ClaimRecord(taskID: "t", key: "k", token: try tx.issueToken(), owner: owner(1),
                                          createdMs: 0, expiresMs: 10, ttlMs: 10), entries: [try entry("/a")])
                throw Boom()
            }
        }
        #expect(try store.read { try $0.allClaims() }.isEmpty)
        #expect(try store.write { try $0.issueToken() } == 1, "the token counter rolled back too")
    }

    /// A connection keeps the settings between its write transactions while no other
    /// connection commits (`SQLiteSinceCommit`): what another one saves, and what it saves
    /// itself, is what its next transaction reads.
    @Test func keptSettingsGiveWayToSettingsSavedSince() throws {
        let path = dir.file("settings.db")
        let store = try SQLiteStore(path: path), other = try SQLiteStore(path: path)
        #expect(try store.write { try $0.settings() }.policy == .refuse)
        #expect(try store.write { try $0.settings() }.policy == .refuse)
        try other.write { try $0.save(RegistrySettings(policy: .queue)) }
        #expect(try store.write { try $0.settings() }.policy == .queue, "saved by another connection")
        try store.write { try $0.save(RegistrySettings(policy: .warn)) }
        #expect(try store.write { try $0.settings() }.policy == .warn, "saved by this one")
        #expect(try other.write { try $0.settings() }.policy == .warn)
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try store.write { tx in
                try tx.save(RegistrySettings(policy: .refuse))
                _ = try tx.settings()
                throw Boom()
            }
        }
        #expect(try store.write { try $0.settings() }.policy == .warn, "a rolled-back save is not kept")
    }

    @Test func batchedHoldingsMatchABruteForceScan() throws {
        try checkBatchedHoldings(in: try SQLiteStore(path: dir.file("batch.db")))
    }

    /// Overlap checks must be index searches, so a claim's cost does not grow with live claims.
    /// The statements the store prepares for the overlap and expiry queries (read
    /// back from its statement cache, not copied here) search an index.
    @Test func overlapQueriesUseTheIndex() throws {
        let store = try SQLiteStore(path: dir.file("plan.db"))
        let before = Set(try store.connection().preparedSQL)
        _ = try store.read { tx in
            (try tx.holdings(overlappingAny: paths("/a/b", "/a/c/d")), try tx.expiredClaims(atOrBefore: 1, limit: 4))
        }
        let queries = Set(try store.connection().preparedSQL).subtracting(before)
            .filter { !["BEGIN", "COMMIT", "ROLLBACK"].contains($0) }
        #expect(queries.count == 3, "the overlap lookups and the expiry query: \(queries)")
        for sql in queries {
            let plan = try store.connection().uncached("EXPLAIN QUERY PLAN " + sql).rows { $0.text(3) }
            #expect(!plan.isEmpty && plan.allSatisfy { $0.hasPrefix("SEARCH") }, "\(sql): \(plan)")
        }
    }

    /// The busy handler keeps trying while another process holds the lock, and
    /// gets it once that process lets go.
    @Test func aWriterWaitsOutAShortForeignLock() throws {
        let path = dir.file("wait.db")
        let store = try SQLiteStore(path: path, busyTimeoutMs: 5000)
        nonisolated(unsafe) let blocker = try SQLiteConnection(path: path, busyTimeoutMs: 50)   // used by one thread at a time
        try blocker.execute("BEGIN IMMEDIATE")
        let releaser = Thread {
            usleep(30_000)
            try? blocker.execute("ROLLBACK")
        }
        releaser.start()
        #expect(try store.write { try $0.issueToken() } == 1)
    }

    @Test func aBusyRegistryGivesBusyNotAHang() throws {
        let path = dir.file("busy.db")
        let store = try SQLiteStore(path: path, busyTimeoutMs: 50)
        let blocker = try SQLiteConnection(path: path, busyTimeoutMs: 50)
        try blocker.execute("BEGIN IMMEDIATE")
        defer { try? blocker.execute("ROLLBACK") }
        do {
            _ = try store.write { try $0.issueToken() }
            Issue.record("expected busy")
        } catch let error as WirError {
            #expect(error.code == .busy)
        }
    }
}
