import Foundation
import Testing
import WirEngine
@testable import WirPostgres

/// The PostgreSQL store on a real server: its schema, refusals, query plans,
/// lost connections, the server's clock and notifications. (Every engine rule
/// runs against it in EngineTests and PolicyTests.)
@Suite(.enabled(if: PostgresTestServer.isConfigured, "WIR_TEST_POSTGRES names no PostgreSQL server"))
struct PostgresStoreTests {
    let schema = ScratchSchema("store")

    func connection(_ url: String? = nil) throws -> PostgresConnection {
        try PostgresConnection(location: PostgresLocation(url ?? schema.url))
    }

    func request(_ task: String, _ path: String, ttl: Int64 = 60_000) throws -> ClaimRequest {
        ClaimRequest(taskID: task, key: nil, entries: [try entry(path)], ttlMs: ttl, policy: .refuse,
                     owner: owner(1), newKey: "key-\(task)")
    }

    @Test func aNewRegistryGetsItsOwnSchemaAtTheLatestVersion() throws {
        let store = try schema.store()
        #expect(try store.schemaVersion() == PostgresSchema.latestVersion)
        let tables = try connection().query("SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY 1",
                                            [schema.name]).rows.map { $0.text(0) }
        #expect(tables == ["claim_entries", "claims", "conflicts", "counters", "history", "meta", "settings", "waiters"])
        _ = try schema.store()                                  // opening again changes nothing
        #expect(try store.schemaVersion() == PostgresSchema.latestVersion)
    }

    /// Version 3: conflict-log rows gain a count and a last time; rows written before keep
    /// their meaning (one attempt, last changed when they were written or their wait ended).
    @Test func aVersionTwoRegistryMigratesItsConflictLog() throws {
        let raw = try connection()
        try raw.execute("CREATE SCHEMA \(schema.name); SET search_path TO \(schema.name)")
        for step in PostgresSchema.migrations[..<2] { try raw.execute(step) }
        try raw.execute("""
            UPDATE meta SET value = '2' WHERE name = 'schema_version';
            INSERT INTO conflicts(at_ms, task_id, holder_task_id, requested_path, held_path, holder_host, holder_pid,
                                  policy, outcome, waited_ms, requested_access, held_access) VALUES
                (1000, 'poller', 'holder', '/a', '/a', 'h', 1, 'refuse', 'refused', 0, 'write', 'write'),
                (2000, 'waiter', 'holder', '/a', '/a', 'h', 1, 'queue', 'admitted', 500, 'write', 'write');
            """)
        let store = try schema.store()
        #expect(try store.schemaVersion() == PostgresSchema.latestVersion)
        try expectMigratedConflictLog(store)
    }

    /// #16: a claim, a heartbeat and a release are one round trip each way: BEGIN goes
    /// with the lock and the reads the engine names ahead, the writes go with COMMIT.
    /// (Without pipelining, a libpq older than 14, each statement is a round trip.)
    @Test(.enabled(if: PostgresPipelining.isEnabled, "pipelining is off (WIR_PG_PIPELINE=0, or a libpq before 14)"))
    func aClaimAHeartbeatAndAReleaseAreTwoRoundTripsEach() throws {
        let store = try schema.store(serverClock: true)
        let engine = Engine(clock: FakeClock(), liveness: FakeLiveness())
        func roundTrips(_ body: () throws -> Void) rethrows -> Int {
            let before = store.connection.roundTrips
            try body()
            return store.connection.roundTrips - before
        }
        _ = try engine.claim(try request("first", "/first"), in: store)     // the first call checks the schema
        #expect(try roundTrips { _ = try engine.claim(try request("task", "/a/b/c"), in: store) } == 2)
        #expect(try roundTrips { _ = try engine.heartbeat(taskID: "task", key: "key-task", ttlMs: nil, in: store) } == 2)
        #expect(try roundTrips { try engine.release(taskID: "task", key: "key-task", outcome: .completed, in: store) }
                == 2)
        #expect(try store.read { try $0.claim(taskID: "task") } == nil)
        #expect(try store.read { try $0.history(sinceMs: 0, limit: 10) }.map(\.claim.taskID) == ["task"])
    }

    @Test func registriesInOtherSchemasOfOneDatabaseAreIndependent() throws {
        let other = ScratchSchema("other")
        let engine = Engine(clock: FakeClock(), liveness: FakeLiveness())
        let first = try schema.store(), second = try other.store()
        guard case .admitted = try engine.claim(try request("a", "/shared"), in: first) else {
            Issue.record("the first registry must admit")
            return
        }
        guard case .admitted(let record, _, _) = try engine.claim(try request("b", "/shared"), in: second) else {
            Issue.record("another schema is another registry")
            return
        }
        #expect(record.token == 1, "each registry has its own token counter")
    }

    @Test func aSchemaOfAnotherProgramIsRefusedUnchanged() throws {
        let raw = try connection()
        try raw.execute("CREATE SCHEMA \(schema.name); CREATE TABLE \(schema.name).accounts(id int)")
        #expect { _ = try schema.store() } throws: { ($0 as? WirError)?.code == .schema }
        let tables = try raw.query("SELECT tablename FROM pg_tables WHERE schemaname = $1", [schema.name])
        #expect(tables.rows.map { $0.text(0) } == ["accounts"])
    }

    /// Version 5 adds the allowed writes of confined runs; claims in flight keep holding, with none.
    @Test func aVersionFourRegistryIsMigratedWithItsClaims() throws {
        let raw = try connection()
        try raw.execute("CREATE SCHEMA \(schema.name)")
        for step in PostgresSchema.migrations[..<4] { try raw.execute(step) }
        try raw.execute("UPDATE meta SET value = '4' WHERE name = 'schema_version'; " + claimBeforeAllowedWrites)
        let store = try schema.store()
        #expect(try store.schemaVersion() == PostgresSchema.latestVersion)
        try checkAllowedWritesAfterMigration(in: store)
    }

    /// Version 6 keeps what a waiter's claim would be; a waiter queued before has none.
    @Test func aVersionFiveRegistryKeepsItsWaiters() throws {
        let raw = try connection()
        try raw.execute("CREATE SCHEMA \(schema.name)")
        for step in PostgresSchema.migrations[..<5] { try raw.execute(step) }
        try raw.execute("UPDATE meta SET value = '5' WHERE name = 'schema_version'; " + waiterBeforeTerms)
        let store = try schema.store()
        #expect(try store.schemaVersion() == PostgresSchema.latestVersion)
        try checkWaiterTermsAfterMigration(in: store)
    }

    @Test func aRegistryOfANewerWirIsRefusedUnchanged() throws {
        _ = try schema.store()
        let raw = try connection()
        let newer = "\(PostgresSchema.latestVersion + 1)"
        try raw.query("UPDATE meta SET value = $1 WHERE name = 'schema_version'", [newer])
        #expect { _ = try schema.store() } throws: { error in
            let error = error as? WirError
            return error?.code == .schema && error?.message.contains("newer wir") == true
        }
        #expect(try raw.query("SELECT value FROM meta WHERE name = 'schema_version'").first?.text(0) == newer)
    }

    @Test(arguments: ["Bad", "1abc", "pg_x", "a-b", "a;drop", String(repeating: "a", count: 64), ""])
    func badSchemaNamesAreRefused(name: String) throws {
        let url = PostgresTestServer.url(schema: name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name)
        #expect { _ = try PostgresLocation(url) } throws: { ($0 as? WirError)?.code == .invalidArgument }
    }

    @Test func unreachableServersAndMissingDatabasesAreIOErrors() throws {
        for url in ["postgresql://127.0.0.1:1/wir?connect_timeout=5",
                    PostgresTestServer.url!.replacingOccurrences(of: "/postgres", with: "/no_such_database")] {
            #expect { _ = try PostgresStore(location: PostgresLocation(url)) } throws: { error in
                (error as? WirError)?.code == .io && (error as? WirError)?.message.contains("cannot connect") == true
            }
        }
    }

    @Test func aPasswordNeverAppearsInMessages() throws {
        let location = try PostgresLocation("postgresql://me:secret@127.0.0.1:1/db?wir_schema=x&sslmode=disable")
        #expect(location.redacted == "postgresql://me:***@127.0.0.1:1/db?wir_schema=x&sslmode=disable")
        #expect(location.connectionURL == "postgresql://me:secret@127.0.0.1:1/db?sslmode=disable")
        #expect(location.schema.name == "x")
        #expect { _ = try PostgresStore(location: location) } throws: { error in
            (error as? WirError)?.message.contains("secret") == false
        }
        let inQuery = try PostgresLocation("postgres://db/x?user=me&password=secret&sslpassword=also&sslmode=require")
        #expect(inQuery.redacted == "postgres://db/x?user=me&password=***&sslpassword=***&sslmode=require")
        #expect { _ = try PostgresStore(location: PostgresLocation("postgresql://127.0.0.1:1/x?password=secret")) }
            throws: { error in (error as? WirError)?.message.contains("secret") == false }
    }

    /// Another client holding the registry's lock past the lock timeout gives
    /// `.busy`, as a long SQLite lock does; and a session that idles inside a
    /// transaction (its client vanished) is ended by the server, freeing the lock.
    @Test func aLockHeldTooLongGivesBusy() throws {
        let store = try PostgresStore(location: PostgresLocation(schema.url), serverClock: false, lockTimeoutMs: 200)
        let blocker = try connection()
        try blocker.execute("BEGIN")
        try blocker.query(PostgresSchema.lockStatement, [schema.name])
        defer { try? blocker.execute("ROLLBACK") }
        #expect { try store.write { _ in } } throws: { ($0 as? WirError)?.code == .busy }
        #expect(try blocker.query("SHOW idle_in_transaction_session_timeout").first?.text(0) == "10s")
    }

    @Test func batchedHoldingsMatchABruteForceScan() throws {
        try checkBatchedHoldings(in: try schema.store())
    }

    /// With sequential scans priced out, a query no index can serve still scans:
    /// so no "Seq Scan" in these plans means every overlap and expiry query has an index path.
    @Test func overlapAndExpiryQueriesAreIndexLookups() throws {
        _ = try schema.store()
        let raw = try connection()
        _ = try raw.query("SELECT set_config('enable_seqscan', 'off', false)")
        let path = CanonicalPath(lexical: "/a/b/c")!
        let plans = [
            try raw.query("EXPLAIN " + PostgresTransaction.holdingsSQL,
                          [PostgresArray.text(path.selfAndAncestors.map(\.value)),
                           PostgresArray.text([path.descendantRange.lower]), PostgresArray.text([path.descendantRange.upper])]),
            try raw.query("EXPLAIN " + PostgresTransaction.expiredSQL, ["1000", "4"]),
        ].map { $0.rows.map { $0.text(0) }.joined(separator: "\n") }
        for plan in plans {
            #expect(!plan.contains("Seq Scan") && plan.contains("Index"), "\(plan)")
        }
    }

    @Test func aConnectionLostMidTransactionWritesNothingAndTheNextCallReconnects() throws {
        let store = try schema.store(serverClock: false)
        let killer = try connection()
        let victim = store.backendPID
        do {
            try store.write { tx in
                try tx.insert(ClaimRecord(taskID: "half", key: "k", token: 1, owner: owner(1), createdMs: 0,
                                          expiresMs: 1, ttlMs: 1), entries: [try entry("/a")])
                let ended = try killer.query("SELECT pg_terminate_backend($1, 10000)", ["\(victim)"])
                #expect(ended.first?.text(0) == "t")
                _ = try tx.issueToken()
            }
            Issue.record("a transaction on a lost connection must fail")
        } catch let error as WirError {
            #expect(error.code == .io, "\(error)")
            #expect(error.message.contains("lost"), "\(error)")
        }
        #expect(try store.read { try $0.claim(taskID: "half") } == nil, "nothing of it was committed")
        #expect(store.backendPID != victim, "the next call reconnected")
    }

    @Test func aSessionEndedBetweenCallsIsReplacedTransparently() throws {
        let store = try schema.store(serverClock: false)
        let victim = store.backendPID
        let ended = try connection().query("SELECT pg_terminate_backend($1, 10000)", ["\(victim)"])
        #expect(ended.first?.text(0) == "t")
        let token = try store.write { try $0.issueToken() }       // nothing was sent yet: BEGIN is retried
        #expect(token == 1 && store.backendPID != victim)
    }

    /// The calls outside transactions (doctor, the forced-release check) reconnect too:
    /// the first may learn of the loss, the next works.
    @Test func administrativeCallsReconnectAfterALostSession() throws {
        let store = try schema.store(serverClock: false)
        let victim = store.backendPID
        _ = try connection().query("SELECT pg_terminate_backend($1, 10000)", ["\(victim)"])
        _ = try? store.diagnose()
        #expect(try store.diagnose().contains { $0.name == "integrity" && $0.value == "ok" })
        #expect(try store.adminRole().allowed, "the test server's role is a superuser")
        #expect(store.backendPID != victim)
    }

    /// A registry's leases go by the server's clock, whatever the engine's clock says.
    @Test func theServerClockDecidesLeasesWhenAsked() throws {
        let store = try schema.store(serverClock: true)
        let staleClock = FakeClock()                              // 2023, far from the server's now
        let engine = Engine(clock: staleClock, liveness: FakeLiveness())
        let raw = try connection()
        let clockSQL = "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint"
        let before = try raw.query(clockSQL).first!.int64(0)
        guard case .admitted(let record, _, _) = try engine.claim(try request("t", "/a", ttl: 5000), in: store) else {
            Issue.record("must be admitted")
            return
        }
        let after = try raw.query(clockSQL).first!.int64(0)
        #expect(record.createdMs >= before && record.createdMs <= after)
        #expect(record.expiresMs == record.createdMs + 5000)
        #expect(staleClock.nowMs() < before)
    }

    @Test func aListenerHearsANotification() throws {
        let store = try schema.store()
        let listener = try PostgresListener(location: store.location)
        #expect(!listener.drain())
        store.notifyListeners()
        var descriptor = pollfd(fd: listener.descriptor, events: Int16(POLLIN), revents: 0)
        #expect(poll(&descriptor, 1, 30_000) == 1, "no notification within 30 s")
        #expect(listener.drain())
    }
}
