import Testing
import WirEngine
@testable import WirSQLite
@testable import WirPostgres

@Suite struct EngineTests {
    @Test(arguments: StoreKind.allCases)
    func disjointClaimsAreBothAdmitted(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        let (a, _) = try f.admitted("t1", ["/data/a"])
        let (b, _) = try f.admitted("t2", ["/data/b"], pid: 2)
        #expect(a.token == 1 && b.token == 2)
    }

    /// Paths a confined run may write without claiming them are kept with the claim (for
    /// listings), grow with it, and never conflict: they are not claimed.
    @Test(arguments: StoreKind.allCases)
    func allowedWritesAreKeptWithTheClaimAndGrowWithIt(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        var request = try f.request("t1", ["/a"])
        request.allowWrites = paths("/tmp/x", "/cache")
        _ = try f.engine.claim(request, in: f.store)
        request = try f.request("t1", ["/b"])
        request.allowWrites = paths("/cache", "/more")
        _ = try f.engine.claim(request, in: f.store)
        let held = try f.store.read { try $0.claim(taskID: "t1") }
        #expect(held?.allowWrites == paths("/cache", "/more", "/tmp/x"))
        _ = try f.admitted("t2", ["/cache"], pid: 2)
    }

    @Test(arguments: StoreKind.allCases)
    func overlapIsRefusedWithAFullReport(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        let (held, _) = try f.admitted("t1", ["/data/x", "/logs"], pid: 41)
        let report = try f.conflicts("t2", ["/data", "/other"])
        #expect(report == [Conflict(requested: try entry("/data"), held: try entry("/data/x"), holder: held)])
        #expect(report.first?.holderPID == 41 && report.first?.holderHost == "here")
        #expect(report.first?.holderExpiresMs == held.expiresMs)
        #expect(try f.conflictLogCount() == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func everyOverlappingPairIsReported(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        _ = try f.admitted("t1", ["/a/x", "/a/y"])
        _ = try f.admitted("t3", ["/b"], pid: 3)
        let report = try f.conflicts("t2", ["/a", "/b/c"])
        #expect(report.map { "\($0.requestedPath)>\($0.heldPath)@\($0.holderTaskID)" }.sorted()
                == ["/a>/a/x@t1", "/a>/a/y@t1", "/b/c>/b@t3"])
    }

    @Test(arguments: StoreKind.allCases)
    func overlapIsBySubtreeComponentWise(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        _ = try f.admitted("t1", ["/data"])
        #expect(try f.conflicts("t2", ["/data.db"]).isEmpty)
        #expect(try f.conflicts("t3", ["/dat"]).isEmpty)
        #expect(try f.conflicts("t4", ["/data/deep/file"]).count == 1)
        #expect(Set(try f.conflicts("t5", ["/"]).map(\.holderTaskID)) == ["t1", "t2", "t3"])
    }

    @Test(arguments: StoreKind.allCases)
    func rootOverlapsEverything(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        _ = try f.admitted("t1", ["/"])
        #expect(try f.conflicts("t2", ["/x/y"]).count == 1)
        #expect(try f.conflicts("t3", ["/"]).count == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func claimsAreAllOrNothing(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        _ = try f.admitted("t1", ["/held"])
        #expect(try f.conflicts("t2", ["/free", "/held/file"]).count == 1)
        // Nothing of t2 was written: another task may take /free at once.
        _ = try f.admitted("t3", ["/free"], pid: 3)
        #expect(throws: WirError(.notFound, "task 't2' is not in flight")) {
            _ = try f.engine.attach(taskID: "t2", key: "key-t2", in: f.store)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func sameTaskExtendsInsteadOfConflicting(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        let (first, _) = try f.admitted("t1", ["/a"], ttl: 1000)
        f.clock.advance(ms: 500)
        let (renewed, same) = try f.admitted("t1", ["/a"], ttl: 1000)
        #expect(renewed.token == first.token, "no new path, same token")
        #expect(renewed.expiresMs == first.expiresMs + 500)
        #expect(same == paths("/a"))
        let (grown, all) = try f.admitted("t1", ["/a/sub", "/b"], ttl: 1000)
        #expect(grown.token > first.token, "new paths take a new, greater token")
        #expect(all == paths("/a", "/a/sub", "/b"))
        #expect(try f.conflicts("t2", ["/b"]).count == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func extendingFromAnotherProcessNeedsTheKey(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        _ = try f.admitted("t1", ["/a"], pid: 1)
        #expect(throws: WirError.self) { try f.claim("t1", ["/b"], pid: 2) }
        do { _ = try f.claim("t1", ["/b"], pid: 2) } catch let error as WirError { #expect(error.code == .taskInUse) }
        do { _ = try f.claim("t1", ["/b"], pid: 2, key: "wrong") } catch let error as WirError {
            #expect(error.code == .wrongKey)
        }
        let (record, all) = try f.admitted("t1", ["/b"], pid: 2, key: "key-t1")
        #expect(all == paths("/a", "/b"))
        #expect(record.owner.pid == 1, "the owner does not change")
    }

    @Test(arguments: StoreKind.allCases)
    func anExpiredClaimNeverBlocks(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        let (held, _) = try f.admitted("t1", ["/a"], ttl: 1000)
        f.clock.advance(ms: 999)
        #expect(try f.conflicts("t2", ["/a"]).count == 1)
        f.clock.advance(ms: 1)
        _ = try f.admitted("t2", ["/a"], pid: 2)
        #expect(try f.history() == ["t1:expired"])
        #expect(throws: WirError(.lost, "task 't1' has no claim in flight: it ended (released, expired or reaped), "
                                 + "or there never was one under that task id")) {
            try f.engine.heartbeat(taskID: "t1", key: held.key, ttlMs: nil, in: f.store)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func heartbeatExtendsTheLease(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        let (held, _) = try f.admitted("t1", ["/a"], ttl: 1000)
        f.clock.advance(ms: 800)
        let renewed = try f.engine.heartbeat(taskID: "t1", key: held.key, ttlMs: nil, in: f.store)
        #expect(renewed.expiresMs == held.expiresMs + 800)
        f.clock.advance(ms: 800)
        #expect(try f.conflicts("t2", ["/a"]).count == 1)
        let longer = try f.engine.heartbeat(taskID: "t1", key: held.key, ttlMs: 5000, in: f.store)
        #expect(longer.expiresMs == f.clock.nowMs() + 5000)
    }

    @Test(arguments: StoreKind.allCases)
    func aDeadOwnersClaimIsReapedWithoutWaiting(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        _ = try f.admitted("t1", ["/a"], pid: 7, ttl: 3_600_000)
        #expect(try f.conflicts("t2", ["/a"]).count == 1)
        f.liveness.kill(pid: 7)
        _ = try f.admitted("t2", ["/a"], pid: 2)
        #expect(try f.history() == ["t1:owner-dead"])
    }

    @Test(arguments: StoreKind.allCases)
    func remoteOwnersAreJudgedByLeaseOnly(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        _ = try f.admitted("t1", ["/a"], pid: 7, host: "elsewhere", ttl: 1000)
        f.liveness.kill(pid: 7)   // a pid on this host says nothing about another host
        #expect(try f.conflicts("t2", ["/a"]).count == 1)
        f.clock.advance(ms: 1000)
        _ = try f.admitted("t2", ["/a"], pid: 2)
    }

    @Test(arguments: StoreKind.allCases)
    func releaseFreesAtOnceAndRecordsTheOutcome(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        let (held, _) = try f.admitted("t1", ["/a"])
        #expect(throws: WirError.self) { try f.engine.release(taskID: "t1", key: "wrong", outcome: .failed, in: f.store) }
        try f.engine.release(taskID: "t1", key: held.key, outcome: .failed, in: f.store)
        _ = try f.admitted("t2", ["/a"], pid: 2)
        #expect(try f.history() == ["t1:failed"])
        do {
            try f.engine.release(taskID: "t1", key: held.key, outcome: .completed, in: f.store)
            Issue.record("a second release must fail")
        } catch let error as WirError { #expect(error.code == .lost) }
    }

    @Test(arguments: StoreKind.allCases)
    func tokensOnlyGrow(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        var last: Int64 = 0
        for round in 0..<20 {
            let (held, _) = try f.admitted("t\(round)", ["/shared"])
            #expect(held.token > last)
            last = held.token
            try f.engine.release(taskID: held.taskID, key: held.key, outcome: .completed, in: f.store)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aTokenHoldsItsPathsUntilTheClaimEnds(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        let (held, _) = try f.admitted("t1", ["/dir"], ttl: 1000)
        let dir = CanonicalPath(lexical: "/dir")!, inside = CanonicalPath(lexical: "/dir/file")!
        #expect(try f.engine.tokenHolds(held.token, path: dir, in: f.store))
        #expect(try f.engine.tokenHolds(held.token, path: inside, in: f.store))
        #expect(try !f.engine.tokenHolds(held.token, path: CanonicalPath(lexical: "/")!, in: f.store))
        #expect(try !f.engine.tokenHolds(held.token + 1, path: dir, in: f.store))
        f.clock.advance(ms: 1000)
        #expect(try !f.engine.tokenHolds(held.token, path: dir, in: f.store), "a lapsed lease holds nothing")
    }

    @Test(arguments: StoreKind.allCases)
    func attachNeedsTheRightKey(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        let (held, _) = try f.admitted("t1", ["/a", "/b"])
        let (record, all) = try f.engine.attach(taskID: "t1", key: held.key, in: f.store)
        #expect(record == held && all.map(\.base) == paths("/a", "/b"))
        #expect(throws: WirError(.wrongKey, "the key does not match task 't1'")) {
            try f.engine.attach(taskID: "t1", key: "nope", in: f.store)
        }
        #expect(throws: WirError(.notFound, "task 't9' is not in flight")) {
            try f.engine.attach(taskID: "t9", key: "x", in: f.store)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func reapAllEndsLapsedAndDeadClaims(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        _ = try f.admitted("lapsed", ["/a"], ttl: 100)
        _ = try f.admitted("dead", ["/b"], pid: 9)
        _ = try f.admitted("alive", ["/c"])
        f.liveness.kill(pid: 9)
        f.clock.advance(ms: 100)
        let reaped = try f.engine.reapAll(in: f.store).map { "\($0.0.taskID):\($0.1.rawValue)" }
        #expect(reaped.sorted() == ["dead:owner-dead", "lapsed:expired"])
        #expect(try f.conflicts("t2", ["/c"]).count == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func lapsedClaimsNobodyTouchesAreReapedInPassing(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        for index in 0..<3 { _ = try f.admitted("old\(index)", ["/old/\(index)"], ttl: 10) }
        f.clock.advance(ms: 10)
        _ = try f.admitted("new", ["/unrelated"])
        #expect(try f.history().sorted() == ["old0:expired", "old1:expired", "old2:expired"])
    }
}
