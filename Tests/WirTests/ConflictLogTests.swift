import Testing
import WirEngine
@testable import WirSQLite
@testable import WirPostgres

/// The conflict log people read: repeated refusals as one row, outcomes kept
/// apart, retention by housekeeping; and probes, which log nothing. Against every store.
@Suite struct ConflictLogTests {
    /// The history of claim "old" (the other claims here lapse as the clock jumps, and are reaped).
    func oldHistory(_ f: EngineFixture) throws -> [String] { try f.history().filter { $0.hasPrefix("old:") } }

    func rows(_ f: EngineFixture, outcomes: Set<ConflictOutcome> = []) throws -> [ConflictLogEntry] {
        try f.store.read { try $0.conflictLog(sinceMs: 0, limit: .max, outcomes: outcomes) }
    }

    /// A polling worker retrying against one holder wrote a row per attempt (75 in 5 s).
    @Test(arguments: StoreKind.allCases)
    func aRetriedRefusalIsOneRowWithACountAndTheLatestTime(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        _ = try f.admitted("holder", ["/state.json"])
        let first = f.clock.nowMs()
        for _ in 0..<75 {
            #expect(try f.conflicts("poller", ["/state.json"]).count == 1)
            f.clock.advance(ms: 66)
        }
        let log = try rows(f)
        #expect(log.count == 1)
        let row = try #require(log.first)
        #expect(row.taskID == "poller" && row.conflict.holderTaskID == "holder" && row.outcome == .refused)
        #expect(row.count == 75 && row.atMs == first && row.lastMs == first + 74 * 66)
    }

    @Test(arguments: StoreKind.allCases)
    func anotherTaskHolderOrPathGetsARowOfItsOwn(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        _ = try f.admitted("holder", ["/a", "/b"])
        _ = try f.admitted("other", ["/c"], pid: 3)
        for _ in 0..<2 {
            _ = try f.conflicts("p1", ["/a"])
            _ = try f.conflicts("p2", ["/a"])
            _ = try f.conflicts("p1", ["/b"])
            _ = try f.conflicts("p1", ["/c"])
        }
        #expect(try rows(f).map { "\($0.taskID)>\($0.conflict.holderTaskID)@\($0.conflict.heldPath)x\($0.count)" }
                == ["p1>holder@/ax2", "p2>holder@/ax2", "p1>holder@/bx2", "p1>other@/cx2"])
    }

    @Test(arguments: StoreKind.allCases)
    func queueWaitsAreKeptApartFromRefusals(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        let (held, _) = try f.admitted("holder", ["/x"])
        _ = try f.conflicts("refused", ["/x"])
        let ticket = try f.queued("waiter", ["/x"], pid: 3)
        f.clock.advance(ms: 40)
        try f.engine.release(taskID: "holder", key: held.key, outcome: .completed, in: f.store)
        _ = try f.admitted("waiter", ["/x"], pid: 3, policy: .queue, ticket: ticket)
        #expect(try rows(f, outcomes: ConflictOutcome.refusals).map(\.taskID) == ["refused"])
        let waits = try rows(f, outcomes: ConflictOutcome.waits)
        #expect(waits.map { "\($0.taskID):\($0.outcome.rawValue):\($0.waitedMs)" } == ["waiter:admitted:40"])
        #expect(waits.first.map { $0.lastMs == $0.atMs + 40 } == true, "a wait's row changes when it ends")
        #expect(try rows(f).count == 2)
    }

    @Test(arguments: StoreKind.allCases)
    func housekeepingPrunesByTheRetentionSettingsAtMostHourly(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        var settings = RegistrySettings(logDays: 1, historyDays: 2)
        try f.engine.save(settings, in: f.store)
        let (old, _) = try f.admitted("old", ["/old"])
        _ = try f.conflicts("refused", ["/old"])
        try f.engine.release(taskID: "old", key: old.key, outcome: .completed, in: f.store)
        f.clock.advance(ms: 86_400_000 + 3_600_000)        // past the log's day, within the history's two
        _ = try f.admitted("fresh", ["/fresh"])
        #expect(try rows(f).filter { $0.taskID == "refused" }.isEmpty, "the log row is a day and an hour old")
        #expect(try oldHistory(f) == ["old:completed"])
        f.clock.advance(ms: 86_400_000 - 3_720_000)       // 2 minutes short of two days: a pass keeps it
        _ = try f.admitted("fresh2", ["/fresh2"])
        #expect(try oldHistory(f) == ["old:completed"])
        f.clock.advance(ms: 240_000)                       // two days old, but the last pass was 4 minutes ago
        _ = try f.admitted("fresh3", ["/fresh3"])
        #expect(try oldHistory(f) == ["old:completed"])
        f.clock.advance(ms: 3_600_000)
        _ = try f.admitted("fresh4", ["/fresh4"])
        #expect(try oldHistory(f).isEmpty)
        settings = try f.engine.settings(in: f.store)
        #expect(settings.prunedMs == f.clock.nowMs() && settings.logDays == 1 && settings.historyDays == 2)
    }

    @Test(arguments: StoreKind.allCases)
    func aRetentionOfZeroKeepsForEverAndReapPrunesWithoutWaitingForTheHour(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        try f.engine.save(RegistrySettings(logDays: 0, historyDays: 1), in: f.store)
        let (old, _) = try f.admitted("old", ["/old"])
        _ = try f.conflicts("refused", ["/old"])
        try f.engine.release(taskID: "old", key: old.key, outcome: .completed, in: f.store)
        f.clock.advance(ms: 86_400_000 - 60_000)
        _ = try f.admitted("x", ["/x"])                     // a pass: the history row is not a day old yet
        f.clock.advance(ms: 120_000)
        _ = try f.admitted("y", ["/y"])                     // a day old now, but the last pass was 2 minutes ago
        #expect(try oldHistory(f) == ["old:completed"])
        _ = try f.engine.reapAll(in: f.store)
        #expect(try oldHistory(f).isEmpty)
        #expect(try rows(f).filter { $0.taskID == "refused" }.count == 1, "log_days 0 keeps the log")
    }

    @Test(arguments: StoreKind.allCases)
    func aProbeReportsWithoutClaimingOrLogging(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        _ = try f.admitted("holder", ["/src/a.py", "/docs"])
        _ = try f.queued("waiter", ["/docs"], pid: 4)
        let before = try f.conflictLog()
        let report = try f.engine.probe(try f.request("probe", ["/src", "/docs/x"], pid: 2), in: f.store)
        #expect(report.map { "\($0.requestedPath)>\($0.heldPath)@\($0.holderTaskID):\($0.holderIsWaiting)" }
                == ["/docs/x>/docs@holder:false", "/src>/src/a.py@holder:false", "/docs/x>/docs@waiter:true"])
        #expect(try f.conflictLog() == before && before == ["waiter>holder:queued:0"])
        #expect(try f.engine.inFlight(in: f.store).claims.map(\.0.taskID) == ["holder"])
        // Its own task (named without the key, from another process) and no entries meet nothing.
        #expect(try f.engine.probe(try f.request("holder", ["/src/a.py"], pid: 9), in: f.store).isEmpty)
        #expect(try f.engine.probe(try f.request("empty", []), in: f.store).isEmpty)
    }
}
