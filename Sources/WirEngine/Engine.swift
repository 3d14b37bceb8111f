/// The conflict engine: every rule about admitting, queueing, extending,
/// renewing and releasing claims, applied inside one store transaction per
/// call. It holds no state of its own; time, owner liveness and wake-ups are
/// injected. Thread-safe as a value; each call's transaction is the store's.
public struct Engine: Sendable {
    public let clock: any Clock
    public let liveness: any OwnerLiveness
    public var wakeups: (any Wakeups)?
    /// How many lapsed claims each claim call reaps in passing.
    public var housekeepingBatch = 4
    /// A waiter's lease: the waiting process renews it each time it looks again.
    public static let waiterLeaseMs: Int64 = 60_000
    /// The lease other hosts judge a claim held while its owners live by
    /// (owners on this host are judged by /proc): renewed by heartbeats, and
    /// by any transaction of the owner's host that finds it lapsed under a live owner.
    public static let hostLeaseMs: Int64 = 60_000

    public init(clock: any Clock, liveness: any OwnerLiveness, wakeups: (any Wakeups)? = nil) {
        self.clock = clock
        self.liveness = liveness
        self.wakeups = wakeups
    }

    /// Decides `request` by its policy (the request's, else the registry's):
    /// admitted (under warn, with the overlaps it ignored), refused, or queued.
    ///
    /// - Parameters:
    ///   - ticket: the request's place in the queue, when it is looking again.
    ///     If a transaction admitted it on its behalf meanwhile, that claim is
    ///     returned (`.admittedInQueue`).
    ///   - mayWait: false turns a queue decision into `.timedOut` (a timeout of 0).
    ///   - waitMs: how much longer it may wait if queued (nil: for ever); past
    ///     that it is never admitted on its behalf.
    public func claim(_ request: ClaimRequest, ticket: Int64? = nil, mayWait: Bool = true, waitMs: Int64? = nil,
                      in store: any RegistryStore) throws -> ClaimResult {
        let expected: [ExpectedRead] = [.expiredClaims(limit: housekeepingBatch), .claim(taskID: request.taskID),
                                        .holdings(request.entries.flatMap(\.indexBases)), .waiters, .token]
        return try writing(store, expecting: expected) { context in
            try reapLapsed(limit: housekeepingBatch, context)
            try pruneIfDue(context)
            if ticket != nil, let admission = try admission(of: request, context) { return .admittedInQueue(admission) }
            let existing = try extendable(request, context)
            let lineage = try Lineage(of: request, existing: existing, engine: self, context)
            let policy = request.policy ?? context.settings.policy
            let (conflicts, blockers) = try obstacles(to: request.entries, of: request.taskID, ticket: ticket,
                                                      lineage: lineage, queue: policy != .warn, context)
            if conflicts.isEmpty || policy == .warn {
                try log(conflicts, request, policy, .warned, ticket: nil, context)
                if let ticket { try leaveQueue(ticket: ticket, outcome: .admitted, context) }
                let (record, entries) = try admit(request, existing: existing, parent: lineage.parent, context)
                return .admitted(record, entries: entries, warnings: conflicts)
            }
            if policy == .queue && mayWait {
                try refuseWaitingOnAncestors(request, conflicts, context)
                if let ticket, try context.tx.renew(ticket: ticket, expiresMs: context.now + Self.waiterLeaseMs) {
                    return .queued(ticket: ticket, conflicts: conflicts, blockers: blockers)
                }
                let (deadline, overflowed) = context.now.addingReportingOverflow(max(0, waitMs ?? 0))
                let waiter = Waiter(ticket: 0, taskID: request.taskID, owner: request.owner, entries: request.entries,
                                    enqueuedMs: context.now, expiresMs: context.now + Self.waiterLeaseMs,
                                    parentTaskID: lineage.parent?.taskID ?? "",
                                    deadlineMs: waitMs == nil || overflowed ? 0 : deadline,
                                    terms: WaiterTerms(key: request.newKey, lease: request.lease, label: request.label,
                                                       allowWrites: request.allowWrites,
                                                       parentKey: lineage.parent?.key ?? ""))
                let newTicket = try context.tx.enqueue(waiter)
                try log(conflicts, request, policy, .queued, ticket: newTicket, context)
                return .queued(ticket: newTicket, conflicts: conflicts, blockers: blockers)
            }
            if let ticket { try leaveQueue(ticket: ticket, outcome: .timedOut, context) }
            else { try log(conflicts, request, policy, policy == .queue ? .timedOut : .refused, ticket: nil, context) }
            return policy == .queue ? .timedOut(conflicts) : .refused(conflicts)
        }
    }

    /// What blocks `entries` of task `taskID` now: the claims of other tasks
    /// that overlap them and, with `queue`, the waiters ahead of `ticket` (all
    /// of them without one) that do; claims and waiters in the request's line
    /// never block it. The one rule of who may be admitted, for a request and
    /// for a waiter admitted on its behalf (`admitWaiters`) alike.
    /// `waiters`: the queue, if the caller has it at hand (nil: read it).
    func obstacles(to entries: [PathEntry], of taskID: String, ticket: Int64?, lineage: Lineage, queue: Bool,
                   waiters: [Waiter]? = nil, _ context: EngineContext) throws
        -> (conflicts: ConflictReport, blockers: [Blocker]) {
        var (conflicts, blockers) = try holderConflicts(for: entries, excluding: taskID, lineage: lineage, context)
        if queue {
            let ahead = try waiterConflicts(for: entries, before: ticket, excluding: taskID, lineage: lineage,
                                            found: !conflicts.isEmpty, in: waiters ?? context.tx.waiters(), context)
            conflicts += ahead.conflicts
            blockers += ahead.blockers
        }
        return (conflicts, blockers)
    }

    /// The conflicts `request` would meet now, as a claim under the refuse
    /// policy would (holders, and waiters queued ahead), without claiming,
    /// queueing or writing a conflict-log row. The request's own task and the
    /// claims in its line (above or below it) are left out, as for a claim;
    /// its task id needs no key (nothing is disclosed that listings do not
    /// show). Ended holders met on the way are reaped. No entries: no conflicts.
    public func probe(_ request: ClaimRequest, in store: any RegistryStore) throws -> ConflictReport {
        guard !request.entries.isEmpty else { return [] }
        return try writing(store) { context in
            let existing = try blockingClaim(taskID: request.taskID, context)
            let lineage = try Lineage(of: request, existing: existing, engine: self, context)
            return try obstacles(to: request.entries, of: request.taskID, ticket: nil, lineage: lineage, queue: true,
                                 context).conflicts
        }
    }

    /// Takes a queued request out of the queue (it timed out, was cancelled,
    /// or its wait failed), recording `outcome` in its log rows. A claim
    /// admitted on its behalf meanwhile ends (`cancelled`): its waiter gave up.
    public func abandon(ticket: Int64, of request: ClaimRequest, outcome: ConflictOutcome,
                        in store: any RegistryStore) throws {
        try writing(store) { context in
            try leaveQueue(ticket: ticket, outcome: outcome, context)
            if let admitted = try admission(of: request, context) { try end(admitted.record, reason: .cancelled, context) }
        }
    }

    /// Renews the lease of the claim `taskID` holds under `key`: it lapses
    /// `ttlMs` from now (nil: the claim's own TTL). Throws `.lost` when the
    /// claim has ended, whatever the reason.
    public func heartbeat(taskID: String, key: String, ttlMs: Int64?,
                          in store: any RegistryStore) throws -> ClaimRecord {
        try writing(store, expecting: [.claim(taskID: taskID)]) { context in
            var held = try ownClaim(taskID: taskID, key: key, context)
            context.lease.renew(&held, leaseMs: ttlMs ?? held.renewalLeaseMs)
            try context.tx.update(held)
            return held
        }
    }

    /// Releases the claim `taskID` holds under `key`, recording `outcome`.
    public func release(taskID: String, key: String, outcome: ReleaseOutcome,
                        in store: any RegistryStore) throws {
        let expected: [ExpectedRead] = [.claim(taskID: taskID), .entries(taskID: taskID), .children(of: taskID), .waiters]
        _ = try writing(store, expecting: expected) { context in
            try end(try ownClaim(taskID: taskID, key: key, context), reason: EndReason(outcome), context)
        }
    }

    /// Releases some entries of a claim early, named as when claimed (their
    /// text; the access does not matter); the rest stay held. Returns them.
    public func shrink(taskID: String, key: String, entries: [PathEntry],
                       in store: any RegistryStore) throws -> [PathEntry] {
        try writing(store) { context in
            _ = try ownClaim(taskID: taskID, key: key, context)
            let held = try context.tx.entries(taskID: taskID)
            let texts = Set(entries.map(\.text))
            let missing = texts.subtracting(held.map(\.text))
            guard missing.isEmpty else {
                throw WirError(.notFound, "task '\(taskID)' does not hold \(missing.sorted().joined(separator: ", "))")
            }
            let (removed, kept) = (held.filter { texts.contains($0.text) }, held.filter { !texts.contains($0.text) })
            guard !kept.isEmpty else {
                throw WirError(.invalidArgument, "shrinking task '\(taskID)' would leave it nothing; release it instead")
            }
            try context.tx.rewriteEntries(kept, adding: [], removing: removed, taskID: taskID)
            context.freed = true
            return kept
        }
    }

    /// The claim in flight for `taskID`, if `key` is its key.
    public func attach(taskID: String, key: String,
                       in store: any RegistryStore) throws -> (ClaimRecord, entries: [PathEntry]) {
        try writing(store) { context in
            guard let held = try liveClaim(taskID: taskID, context) else {
                throw WirError(.notFound, "task '\(taskID)' is not in flight")
            }
            guard Secret.matches(key, held.key) else {
                throw WirError(.wrongKey, "the key does not match task '\(taskID)'")
            }
            return (held, try context.tx.entries(taskID: taskID))
        }
    }

    // MARK: - Steps inside a transaction

    /// The claim in flight under the request's task id, if the request may
    /// extend it (its caller owns the claim, `ClaimRequest.callerOwns`, or it
    /// carries the key; whom the request names as owner grants nothing).
    /// A claim whose lease lapsed within the grace still has its task id: its
    /// owner (or a key holder) coming back renews it.
    func extendable(_ request: ClaimRequest, _ context: EngineContext) throws -> ClaimRecord? {
        guard let held = try blockingClaim(taskID: request.taskID, context) else { return nil }
        if !request.callerOwns(held) {
            guard let key = request.key else {
                throw WirError(.taskInUse, "task '\(request.taskID)' is in flight under another owner "
                               + "(pid \(held.owner.pid) on \(held.owner.host)); pass its key to extend it")
            }
            guard Secret.matches(key, held.key) else {
                throw WirError(.wrongKey, "the key does not match task '\(request.taskID)'")
            }
        }
        return held
    }

    /// Inserts a new claim, or adds the request's entries (and allowed writes)
    /// to the one in flight (a new, greater token if any entry is new) and
    /// renews its lease (keeping its TTL unless the request names one).
    func admit(_ request: ClaimRequest, existing: ClaimRecord?, parent: ClaimRecord?,
               _ context: EngineContext) throws -> (ClaimRecord, [PathEntry]) {
        let ttl: Int64
        switch request.lease {
        // A default stored before leases had a minimum is raised to it (`Limits.minTTLMs`).
        case .registryDefault: ttl = existing?.ttlMs ?? max(context.settings.ttlMs, Limits.minTTLMs)
        case .ttl(let ms): ttl = ms
        case .whileAlive: ttl = 0
        }
        let leaseMs = ttl == 0 ? Self.hostLeaseMs : ttl
        guard var held = existing else {
            var record = ClaimRecord(taskID: request.taskID, key: request.newKey, token: try context.tx.issueToken(),
                                     owner: request.owner, createdMs: context.now, expiresMs: 0, ttlMs: ttl,
                                     label: request.label, parentTaskID: parent?.taskID ?? "",
                                     allowWrites: request.allowWrites)
            context.lease.renew(&record, leaseMs: leaseMs)
            try context.tx.insert(record, entries: request.entries)
            return (record, request.entries)
        }
        let heldEntries = try context.tx.entries(taskID: held.taskID)
        let added = request.entries.filter { !heldEntries.contains($0) }
        // An entry it holds, asked for under a name it lacks (another spelling), gains that name.
        let renamed = request.entries.compactMap { entry -> (old: PathEntry, new: PathEntry)? in
            guard let old = heldEntries.first(where: { $0 == entry }) else { return nil }
            let merged = old.adding(aliases: entry.names)
            return merged.aliases.count > old.aliases.count ? (old, merged) : nil
        }
        if !added.isEmpty || !renamed.isEmpty {
            let kept = heldEntries.filter { entry in !renamed.contains { $0.old == entry } }
            try context.tx.rewriteEntries(kept + renamed.map(\.new) + added, adding: renamed.map(\.new) + added,
                                          removing: renamed.map(\.old), taskID: held.taskID)
        }
        if !added.isEmpty { held.token = try context.tx.issueToken() }
        held.ttlMs = ttl
        context.lease.renew(&held, leaseMs: leaseMs)
        held.allowWrites = Array(Set(held.allowWrites + request.allowWrites)).sorted()
        try context.tx.update(held)
        return (held, try context.tx.entries(taskID: held.taskID))
    }

    /// Every pair between `entries` and entries of other tasks' claims that
    /// still block, with what to wait for. Ended holders met on the way are
    /// reaped; a lapsed lease still blocks during the registry's grace.
    ///
    /// The decision stops at the transaction's work limit (`OverlapBudget`):
    /// with pairs found, the report is marked incomplete; with none, the
    /// request is refused as too costly to decide.
    func holderConflicts(for entries: [PathEntry], excluding taskID: String, lineage: Lineage,
                         _ context: EngineContext) throws -> (conflicts: ConflictReport, blockers: [Blocker]) {
        var holders: [String: ClaimRecord?] = [:]
        var conflicts = ConflictReport()
        // One batch for all entries: their common ancestors are looked up once.
        let held = try context.tx.holdings(overlappingAny: entries.flatMap(\.indexBases)).filter { $0.taskID != taskID }
        search: for entry in entries {
            for holding in held {
                guard let overlaps = entry.conflicts(with: holding.entry, budget: context.budget) else {
                    guard !conflicts.isEmpty else { throw OverlapBudget.exhausted }
                    conflicts.markIncomplete()
                    break search
                }
                guard overlaps else { continue }
                if holders[holding.taskID] == nil {
                    let holder = try blockingClaim(taskID: holding.taskID, context)
                    // Claims above or below this one in its tree never block it.
                    let related = try holder.map { try lineage.isRelated(to: $0.taskID, parent: $0.parentTaskID, context) }
                    holders[holding.taskID] = related == true ? .some(nil) : holder
                }
                guard let holder = holders[holding.taskID] ?? nil else { continue }
                conflicts.append(Conflict(requested: entry, held: holding.entry, holder: holder))
            }
        }
        let blockers = holders.values.compactMap { $0 }.map {
            Blocker(owners: $0.owners, lapsesInMs: lapse(of: $0, context))
        }
        return (conflicts, blockers)
    }

    /// How long until `holder` stops blocking by lease (its end plus the grace).
    private func lapse(of holder: ClaimRecord, _ context: EngineContext) -> Int64 {
        if holder.isWhileAlive && holder.owners.contains(where: { liveness.status(of: $0) == .alive }) { return .max }
        return context.lease.remaining(holder) + context.settings.graceMs
    }

    /// Every pair between `entries` and live waiters ahead of `ticket` (all
    /// waiters when it has none). Waiters that are gone are dropped.
    /// `found` says whether the holders already conflict: then running out of
    /// work ends the search (see `holderConflicts`).
    func waiterConflicts(for entries: [PathEntry], before ticket: Int64?, excluding taskID: String,
                         lineage: Lineage, found: Bool, in waiters: [Waiter], _ context: EngineContext) throws
        -> (conflicts: ConflictReport, blockers: [Blocker]) {
        var conflicts = ConflictReport()
        var blockers: [Blocker] = []
        queue: for waiter in waiters where waiter.taskID != taskID {
            if let ticket, waiter.ticket >= ticket { break }
            if isGone(waiter, context) {
                try leaveQueue(waiter, outcome: goneOutcome(of: waiter, context), context)
                continue
            }
            if try lineage.isRelated(to: waiter.taskID, parent: waiter.parentTaskID, context) { continue }
            var blocks = false
            defer { if blocks { blockers.append(Blocker(owners: [waiter.owner], lapsesInMs: waiter.expiresMs - context.now)) } }
            for entry in entries {
                for theirs in waiter.entries {
                    guard let overlaps = entry.conflicts(with: theirs, budget: context.budget) else {
                        guard found || !conflicts.isEmpty else { throw OverlapBudget.exhausted }
                        conflicts.markIncomplete()
                        break queue
                    }
                    guard overlaps else { continue }
                    conflicts.append(Conflict(requested: entry, held: theirs, waiter: waiter))
                    blocks = true
                }
            }
        }
        return (conflicts, blockers)
    }

    /// Refuses at once a queued claim that would wait for a claim owned by a
    /// process above the caller (its parent, or further up), or by a group one
    /// of them is in: that owner waits for the caller, so the wait would never end.
    private func refuseWaitingOnAncestors(_ request: ClaimRequest, _ conflicts: ConflictReport,
                                          _ context: EngineContext) throws {
        let holders = Set(conflicts.filter { !$0.holderIsWaiting }.map(\.holderTaskID))
        guard !holders.isEmpty else { return }
        let ancestors = request.callerAncestors()
        for conflict in conflicts where holders.contains(conflict.holderTaskID) {
            guard let holder = try context.tx.claim(taskID: conflict.holderTaskID),
                  let ancestor = holder.owners.first(where: ancestors.contains) else { continue }
            throw WirError(.deadlock, "task '\(request.taskID)' would wait for ever: \(conflict.requested.text) overlaps "
                           + "\(conflict.held.text), held by task '\(holder.taskID)', which \(ancestor.description) owns, "
                           + "and that runs above this process; claim under it instead (WIR_TASK_ID and WIR_KEY), "
                           + "or release it first")
        }
    }

    /// Removes a waiter and records `outcome` in its log rows.
    func leaveQueue(ticket: Int64, outcome: ConflictOutcome, _ context: EngineContext) throws {
        guard let waiter = try context.tx.waiters().first(where: { $0.ticket == ticket }) else { return }
        try leaveQueue(waiter, outcome: outcome, context)
    }

    func leaveQueue(_ waiter: Waiter, outcome: ConflictOutcome, _ context: EngineContext) throws {
        let ticket = waiter.ticket
        try context.tx.dequeue(ticket: ticket)
        try context.tx.resolveLog(ticket: ticket, outcome: outcome, waitedMs: context.now - waiter.enqueuedMs)
        // A waiter behind one that gave up may now go first; one admitted holds what it waited for.
        if outcome != .admitted { context.freed = true }
    }

    /// One conflict-log row per overlapping pair. A request turned away at once
    /// that its task already saw turned away by the same holder on the same
    /// entries counts one more attempt on that row instead (a polling worker
    /// leaves one row, not one per attempt).
    private func log(_ conflicts: ConflictReport, _ request: ClaimRequest, _ policy: Policy, _ outcome: ConflictOutcome,
                     ticket: Int64?, _ context: EngineContext) throws {
        for conflict in conflicts {
            let entry = ConflictLogEntry(atMs: context.now, taskID: request.taskID, conflict: conflict,
                                         policy: policy, outcome: outcome)
            if ticket == nil, entry.coalesces, try context.tx.countRepeat(of: entry) { continue }
            try context.tx.log(entry, ticket: ticket)
        }
    }

    /// The claim `taskID` holds under `key`, or `.lost` if it has ended,
    /// its lease has lapsed (even within grace), or it was replaced. The
    /// message says which it can tell: no claim in flight under that task id
    /// (ended, or never made: a task id with a typo looks the same), or one
    /// under another key (which says nothing `wir ls` does not show).
    func ownClaim(taskID: String, key: String, _ context: EngineContext) throws -> ClaimRecord {
        guard let held = try liveClaim(taskID: taskID, context) else {
            throw WirError(.lost, "task '\(taskID)' has no claim in flight: it ended (released, expired or reaped), "
                           + "or there never was one under that task id")
        }
        guard Secret.matches(key, held.key) else {
            throw WirError(.lost, "task '\(taskID)' is in flight, but not under this key: a wrong key, or its claim "
                           + "ended and the task id was claimed again")
        }
        return held
    }

    /// Runs `body` in a write transaction. If it freed anything, the same
    /// transaction admits the waiters it unblocked (`admitWaiters`); after the
    /// commit those, and the waiters that must look for themselves, are woken.
    /// `expecting`: the reads `body` will likely make (`ExpectedRead`).
    func writing<T>(_ store: any RegistryStore, expecting: [ExpectedRead] = [],
                    _ body: (EngineContext) throws -> T) throws -> T {
        var wake: [Int64] = []
        let result = try store.write(expecting: expecting) { tx in
            let context = EngineContext(tx: tx, lease: try leaseClock(in: tx), settings: try tx.settings())
            let value = try body(context)
            if context.freed { try admitWaiters(context) }
            wake = context.handedOff + context.mustLook
            return value
        }
        if !wake.isEmpty { wakeups?.wake(tickets: wake) }
        return result
    }
}
