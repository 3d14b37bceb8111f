import Testing
import WirEngine
@testable import WirSQLite

/// The rules of the queue and warn policies, reads, globs, grace and
/// settings, against each store, with an injected clock.
@Suite struct PolicyTests {
    @Test(arguments: StoreKind.allCases)
    func queueIsFIFOAmongOverlappingWaitersAndBypassesForDisjointOnes(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        let (holder, _) = try f.admitted("holder", ["/a"], pid: 1)
        let first = try f.queued("first", ["/a"], pid: 2)
        let second = try f.queued("second", ["/a/x"], pid: 3)
        #expect(first < second)
        // Unrelated work is not held up by a queue it is not part of.
        _ = try f.admitted("unrelated", ["/b"], pid: 4, policy: .queue)
        _ = f.wakeups.take()
        try f.engine.release(taskID: "holder", key: holder.key, outcome: .completed, in: f.store)
        // The release admitted the first waiter on its behalf and woke it; the second still waits.
        #expect(f.wakeups.take() == [first])
        #expect(try f.queued("second", ["/a/x"], pid: 3, ticket: second) == second)
        let (admitted, _) = try f.admitted("first", ["/a"], pid: 2, policy: .queue, ticket: first)
        #expect(try f.queued("second", ["/a/x"], pid: 3, ticket: second) == second)
        try f.engine.release(taskID: "first", key: admitted.key, outcome: .completed, in: f.store)
        _ = try f.admitted("second", ["/a/x"], pid: 3, policy: .queue, ticket: second)
        #expect(try f.conflictLog().filter { $0.hasPrefix("first>") } == ["first>holder:admitted:0"])
    }

    @Test(arguments: StoreKind.allCases)
    func aLaterDisjointWaiterGoesFirstWhenItsHolderLeaves(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        let (_, _) = try f.admitted("h1", ["/a"], pid: 1)
        let (h2, _) = try f.admitted("h2", ["/b"], pid: 1)
        _ = try f.queued("wa", ["/a"], pid: 2)
        let wb = try f.queued("wb", ["/b"], pid: 3)
        try f.engine.release(taskID: "h2", key: h2.key, outcome: .completed, in: f.store)
        _ = try f.admitted("wb", ["/b"], pid: 3, policy: .queue, ticket: wb)
    }

    @Test(arguments: StoreKind.allCases)
    func refuseAlsoRespectsTheQueue(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        let (holder, _) = try f.admitted("holder", ["/a"], pid: 1)
        _ = try f.admitted("other", ["/b"], pid: 4)
        _ = try f.queued("waiter", ["/a", "/b"], pid: 2)
        try f.engine.release(taskID: "holder", key: holder.key, outcome: .completed, in: f.store)
        // Nothing holds /a now, but a waiter is ahead: a refuse claim may not jump it.
        let report = try f.conflicts("jumper", ["/a/x"], pid: 3)
        #expect(report.map(\.holderTaskID) == ["waiter"] && report.allSatisfy(\.holderIsWaiting))
    }

    @Test(arguments: StoreKind.allCases)
    func aTimedOutWaiterLeavesTheQueueAndTheLogSaysSo(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        _ = try f.admitted("holder", ["/a"], pid: 1)
        let ticket = try f.queued("waiter", ["/a"], pid: 2)
        f.clock.advance(ms: 250)
        let result = try f.claim("waiter", ["/a"], pid: 2, policy: .queue, ticket: ticket, mayWait: false)
        guard case .timedOut(let conflicts) = result else { Issue.record("\(result)"); return }
        #expect(conflicts.map(\.holderTaskID) == ["holder"])
        #expect(try f.conflictLog() == ["waiter>holder:timed-out:250"])
        // Gone from the queue: a later refuse claim is blocked by the holder only.
        #expect(try f.conflicts("other", ["/a"], pid: 3).allSatisfy { !$0.holderIsWaiting })
        // Trying once (timeout 0) never queues.
        if case .timedOut = try f.claim("once", ["/a"], pid: 4, policy: .queue, mayWait: false) {} else {
            Issue.record("a queue claim that may not wait must time out at once")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func deadOrSilentWaitersLeaveTheQueue(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        let (holder, _) = try f.admitted("holder", ["/a"], pid: 1, ttl: 600_000)
        _ = try f.queued("dies", ["/a"], pid: 5)
        _ = try f.queued("silent", ["/a"], pid: 6)
        let last = try f.queued("last", ["/a"], pid: 7)
        f.liveness.kill(pid: 5)
        f.clock.advance(ms: Engine.waiterLeaseMs / 2)
        #expect(try f.queued("last", ["/a"], pid: 7, ticket: last) == last)
        f.clock.advance(ms: Engine.waiterLeaseMs / 2)      // "silent" stopped renewing its place
        try f.engine.release(taskID: "holder", key: holder.key, outcome: .completed, in: f.store)
        _ = try f.admitted("last", ["/a"], pid: 7, policy: .queue, ticket: last)
        let abandoned = try f.conflictLog().filter { $0.contains(":abandoned:") }
        #expect(Set(abandoned.map { $0.split(separator: ">")[0] }) == ["dies", "silent"])
    }

    @Test(arguments: StoreKind.allCases)
    func warnAdmitsAndLogs(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        _ = try f.admitted("holder", ["/a"], pid: 1)
        let result = try f.claim("bold", ["/a/x"], pid: 2, policy: .warn)
        guard case .admitted(_, _, let warnings) = result else { Issue.record("\(result)"); return }
        #expect(warnings.map(\.holderTaskID) == ["holder"])
        #expect(try f.conflictLog() == ["bold>holder:warned:0"])
        #expect(Set(try f.conflicts("third", ["/a"], pid: 3).map(\.holderTaskID)) == ["holder", "bold"])
    }

    @Test(arguments: StoreKind.allCases)
    func readsShareButConflictWithWrites(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        _ = try f.admitted("reader1", [], reads: ["/data"], pid: 1)
        _ = try f.admitted("reader2", [], reads: ["/data/x"], pid: 2)
        let report = try f.conflicts("writer", ["/data/x/y"], pid: 3)
        #expect(Set(report.map(\.holderTaskID)) == ["reader1", "reader2"])
        #expect(report.allSatisfy { $0.held.access == .read && $0.requested.access == .write })
        _ = try f.admitted("writer2", ["/logs"], pid: 4)
        #expect(try f.conflicts("reader3", [], reads: ["/logs/today"], pid: 5).count == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func globsAreStoredAndDecidedExactly(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        _ = try f.admitted("pythons", ["/src/*.py"], pid: 1)
        #expect(try f.conflicts("one", ["/src/a.py"]).count == 1)
        _ = try f.admitted("text", ["/src/a.txt"], pid: 2)
        // "/src/q.py/x" and "/src/a.txt/x" lie beneath the holders' entries.
        #expect(Set(try f.conflicts("deep", ["/src/**/x"]).map(\.holderTaskID)) == ["pythons", "text"])
        #expect(try f.conflicts("tree", ["/src"]).count == 2)
        _ = try f.admitted("other", ["/srcs/*.py"], pid: 3)
    }

    @Test(arguments: StoreKind.allCases)
    func aLapsedLeaseKeepsBlockingDuringTheGrace(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        try f.store.write { try $0.save(RegistrySettings(graceMs: 500)) }
        let (held, _) = try f.admitted("paused", ["/a"], pid: 1, ttl: 1000)
        f.clock.advance(ms: 1000)
        #expect(try f.conflicts("next", ["/a"]).count == 1, "still blocked within the grace")
        #expect(throws: WirError.self) { try f.engine.heartbeat(taskID: "paused", key: held.key, ttlMs: nil, in: f.store) }
        f.clock.advance(ms: 500)
        _ = try f.admitted("next", ["/a"], pid: 2)
        #expect(try f.history() == ["paused:expired"])
        // An owner proven dead needs no grace.
        _ = try f.admitted("dead", ["/b"], pid: 9, ttl: 1000)
        f.liveness.kill(pid: 9)
        _ = try f.admitted("after", ["/b"], pid: 2)
    }

    @Test(arguments: StoreKind.allCases)
    func theOwnerComingBackWithinTheGraceRenewsItsClaim(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        try f.store.write { try $0.save(RegistrySettings(graceMs: 500)) }
        let (held, _) = try f.admitted("paused", ["/a"], pid: 1, ttl: 1000)
        f.clock.advance(ms: 1200)
        let (renewed, _) = try f.admitted("paused", ["/a"], pid: 1, ttl: 1000)
        #expect(renewed.token == held.token && renewed.expiresMs == f.clock.nowMs() + 1000)
    }

    @Test(arguments: StoreKind.allCases)
    func registryDefaultsApplyWhenTheClaimSaysNothing(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        try f.store.write { try $0.save(RegistrySettings(policy: .queue, ttlMs: 42_000)) }
        let (held, _) = try f.admitted("a", ["/a"], pid: 1, ttl: nil, policy: nil)
        #expect(held.ttlMs == 42_000)
        guard case .queued = try f.claim("b", ["/a"], pid: 2, ttl: nil, policy: nil) else {
            Issue.record("the registry's default policy is queue")
            return
        }
        guard case .refused = try f.claim("c", ["/a"], pid: 3, policy: .refuse) else {
            Issue.record("a claim's own policy wins")
            return
        }
    }

    @Test(arguments: StoreKind.allCases)
    func theConfineSettingIsStored(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        #expect(try f.engine.settings(in: f.store).confine == .off)
        try f.engine.save(RegistrySettings(policy: .queue, confine: .bestEffort), in: f.store)
        let stored = try f.engine.settings(in: f.store)
        #expect(stored.confine == .bestEffort && stored.policy == .queue)
    }

    @Test(arguments: StoreKind.allCases)
    func shrinkingFreesSomeEntriesAndWakesWaiters(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        let (held, _) = try f.admitted("t", ["/a", "/b"], pid: 1)
        let ticket = try f.queued("w", ["/a"], pid: 2)
        _ = f.wakeups.take()
        let kept = try f.engine.shrink(taskID: "t", key: held.key, entries: [try entry("/a")], in: f.store)
        #expect(kept == [try entry("/b")])
        #expect(f.wakeups.take() == [ticket])
        _ = try f.admitted("w", ["/a"], pid: 2, policy: .queue, ticket: ticket)
        #expect(try f.conflicts("x", ["/b"], pid: 3).count == 1)
        #expect(throws: WirError.self) {
            _ = try f.engine.shrink(taskID: "t", key: held.key, entries: [try entry("/b")], in: f.store)
        }
    }
}
