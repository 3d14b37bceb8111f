import Testing
import WirEngine

/// The queue's direct hand-off (`Engine+QueueAdmission`): the transaction that
/// frees a waiter's way admits it on its behalf, in ticket order, against
/// each store, with an injected clock.
@Suite struct QueueAdmissionTests {
    /// The claims in flight as "task:key", by task id.
    func inFlight(_ f: EngineFixture) throws -> [String] {
        try f.engine.inFlight(in: f.store).claims.map { "\($0.0.taskID):\($0.0.key)" }
    }

    func waiting(_ f: EngineFixture) throws -> [String] {
        try f.engine.inFlight(in: f.store).waiters.map(\.taskID)
    }

    @Test(arguments: StoreKind.allCases)
    func theReleaseAdmitsTheEarliestWaiterInItsOwnTransaction(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        let (holder, _) = try f.admitted("holder", ["/a"], pid: 1)
        let first = try f.queued("first", ["/a"], pid: 2)
        let second = try f.queued("second", ["/a/x"], pid: 3)
        _ = f.wakeups.take()
        try f.engine.release(taskID: "holder", key: holder.key, outcome: .completed, in: f.store)
        // Held before the waiter looked at all, under the key the waiter made; only it was woken.
        #expect(try inFlight(f) == ["first:key-first"])
        #expect(try waiting(f) == ["second"])
        #expect(f.wakeups.take() == [first])
        let read = try f.engine.admission(of: try f.request("first", ["/a"], pid: 2, policy: .queue), in: f.store)
        let a = try entry("/a")
        #expect(read?.record.taskID == "first" && read?.entries == [a])
        #expect(read?.remainingMs == 60_000, "the lease started at the admission")
        let looked = try f.claim("first", ["/a"], pid: 2, policy: .queue, ticket: first)
        guard case .admittedInQueue(let admission) = looked else { Issue.record("\(looked)"); return }
        #expect(admission.record.key == "key-first" && admission.record.owner == owner(2))
        #expect(try f.queued("second", ["/a/x"], pid: 3, ticket: second) == second)
        #expect(try f.conflictLog().filter { $0.hasPrefix("first>") } == ["first>holder:admitted:0"])
    }

    @Test(arguments: StoreKind.allCases)
    func aLaterTicketNeverOvertakesAnEarlierOverlappingOne(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        let (ha, _) = try f.admitted("ha", ["/a"], pid: 1)
        let (hb, _) = try f.admitted("hb", ["/b"], pid: 1)
        let (hc, _) = try f.admitted("hc", ["/c"], pid: 1)
        _ = try f.queued("both", ["/a", "/b"], pid: 2)
        _ = try f.queued("onlyB", ["/b/x"], pid: 3)
        _ = try f.queued("disjoint", ["/c"], pid: 4)
        // /b is free, but "both" is ahead and still waits for /a: "onlyB" may not go first.
        try f.engine.release(taskID: "hb", key: hb.key, outcome: .completed, in: f.store)
        #expect(try waiting(f) == ["both", "onlyB", "disjoint"])
        // A waiter that overlaps nobody ahead of it goes as soon as its holder leaves.
        try f.engine.release(taskID: "hc", key: hc.key, outcome: .completed, in: f.store)
        #expect(try waiting(f) == ["both", "onlyB"])
        try f.engine.release(taskID: "ha", key: ha.key, outcome: .completed, in: f.store)
        #expect(try inFlight(f) == ["both:key-both", "disjoint:key-disjoint"])
        #expect(try waiting(f) == ["onlyB"])
        let both = try f.engine.inFlight(in: f.store).claims.first { $0.0.taskID == "both" }!.0
        try f.engine.release(taskID: "both", key: both.key, outcome: .completed, in: f.store)
        #expect(try inFlight(f) == ["disjoint:key-disjoint", "onlyB:key-onlyB"])
    }

    @Test(arguments: StoreKind.allCases)
    func aDeadWaiterIsNotAdmittedAndTheOneBehindItIs(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        let (holder, _) = try f.admitted("holder", ["/a"], pid: 1)
        _ = try f.queued("dies", ["/a"], pid: 5)
        _ = try f.queued("next", ["/a"], pid: 6)
        f.liveness.kill(pid: 5)
        try f.engine.release(taskID: "holder", key: holder.key, outcome: .completed, in: f.store)
        #expect(try inFlight(f) == ["next:key-next"])
        #expect(try f.conflictLog().filter { $0.hasPrefix("dies>") } == ["dies>holder:abandoned:0"])
    }

    @Test(arguments: StoreKind.allCases)
    func aWaiterPastItsTimeoutIsNotAdmitted(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        let (holder, _) = try f.admitted("holder", ["/a"], pid: 1)
        let request = try f.request("late", ["/a"], pid: 2, policy: .queue)
        guard case .queued = try f.engine.claim(request, waitMs: 300, in: f.store) else {
            Issue.record("must queue")
            return
        }
        f.clock.advance(ms: 301)
        try f.engine.release(taskID: "holder", key: holder.key, outcome: .completed, in: f.store)
        #expect(try inFlight(f).isEmpty && (try waiting(f)).isEmpty)
        #expect(try f.conflictLog() == ["late>holder:timed-out:301"])
    }

    /// Only a waiter seen alive is admitted on its behalf: one judged by its
    /// lease alone (another host) is woken and admits itself when it looks.
    @Test(arguments: StoreKind.allCases)
    func aRemoteWaiterIsWokenToLookForItself(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        let (holder, _) = try f.admitted("holder", ["/a"], pid: 1)
        let ticket = try f.queued("remote", ["/a"], pid: 2, host: "there")
        _ = f.wakeups.take()
        try f.engine.release(taskID: "holder", key: holder.key, outcome: .completed, in: f.store)
        #expect(try inFlight(f).isEmpty)
        #expect(f.wakeups.take() == [ticket])
        let looked = try f.claim("remote", ["/a"], pid: 2, host: "there", policy: .queue, ticket: ticket)
        guard case .admitted = looked else { Issue.record("\(looked)"); return }
    }

    /// A sub-claim admitted on its waiter's behalf is made under its parent,
    /// owned by the waiter, with the waiter's key and lease.
    @Test(arguments: StoreKind.allCases)
    func aQueuedSubClaimIsAdmittedUnderItsParent(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        let (parent, _) = try f.admitted("parent", ["/p"], pid: 1)
        func under(_ task: String, pid: Int32, ttl: Int64) throws -> ClaimRequest {
            ClaimRequest(taskID: task, key: nil, entries: [try entry("/p/x")], lease: .ttl(ttl), policy: .queue,
                         owner: owner(pid), caller: owner(pid), newKey: "key-\(task)", label: "child \(task)",
                         parent: ParentClaim(taskID: "parent", key: parent.key))
        }
        guard case .admitted(let sibling, _, _) = try f.engine.claim(try under("sibling", pid: 2, ttl: 60_000),
                                                                     in: f.store) else {
            Issue.record("the sibling must be admitted")
            return
        }
        guard case .queued = try f.engine.claim(try under("child", pid: 3, ttl: 9_000), in: f.store) else {
            Issue.record("the child must queue behind its sibling")
            return
        }
        f.clock.advance(ms: 5_000)
        try f.engine.release(taskID: "sibling", key: sibling.key, outcome: .completed, in: f.store)
        let child = try f.engine.inFlight(in: f.store).claims.first { $0.0.taskID == "child" }?.0
        #expect(child?.parentTaskID == "parent" && child?.owners == [owner(3)] && child?.key == "key-child")
        #expect(child?.label == "child child" && child?.ttlMs == 9_000)
        #expect(child?.expiresMs == f.clock.nowMs() + 9_000, "the lease starts at the admission")
        try f.engine.release(taskID: "parent", key: parent.key, outcome: .completed, in: f.store)
        #expect(try f.history().contains("child:parent-ended"))
    }

    /// A waiter cancelled after a release admitted it on its behalf does not
    /// keep the claim: nobody would hold it.
    @Test(arguments: StoreKind.allCases)
    func aCancelledWaiterAdmittedMeanwhileGivesTheClaimBack(kind: StoreKind) throws {
        let f = try EngineFixture(kind)
        let (holder, _) = try f.admitted("holder", ["/a"], pid: 1)
        let request = try f.request("w", ["/a"], pid: 2, policy: .queue)
        guard case .queued(let ticket, _, _) = try f.engine.claim(request, in: f.store) else {
            Issue.record("must queue")
            return
        }
        try f.engine.release(taskID: "holder", key: holder.key, outcome: .completed, in: f.store)
        #expect(try inFlight(f) == ["w:key-w"])
        try f.engine.abandon(ticket: ticket, of: request, outcome: .cancelled, in: f.store)
        #expect(try inFlight(f).isEmpty)
        #expect(try f.history() == ["holder:completed", "w:cancelled"])
    }
}
