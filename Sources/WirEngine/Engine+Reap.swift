/// Ending claims: by their owner's word, by lease, or by their owner's death.
extension Engine {
    /// Why a claim has ended without being released, or nil if it still holds:
    /// every owner is dead, or its lease lapsed. A claim held while its owners
    /// live does not lapse while one of them is seen alive here; others judge
    /// it by its host lease. (A lapsed lease ends the claim for its owner at
    /// once; the grace only keeps it blocking others, `reapableReason`.)
    public func endReason(of claim: ClaimRecord, at clock: LeaseClock) -> EndReason? {
        var seenAlive = false
        var allDead = true
        for owner in claim.owners {
            switch liveness.status(of: owner) {
            case .alive: seenAlive = true; allDead = false
            case .remote: allDead = false
            case .dead: continue
            }
        }
        if allDead { return .ownerDead }
        if claim.isWhileAlive && seenAlive { return nil }
        if clock.isExpired(claim) { return .expired }
        return nil
    }

    /// Reaps every claim whose lease lapsed (and grace passed) or whose owner
    /// is dead, and every waiter that died or stopped renewing; prunes the log
    /// and history by their retention settings.
    /// Returns the reaped claims with the reason each ended.
    public func reapAll(in store: any RegistryStore) throws -> [(ClaimRecord, EndReason)] {
        try writing(store) { context in
            var reaped: [(ClaimRecord, EndReason)] = []
            for claim in try context.tx.allClaims() where !reaped.contains(where: { $0.0.taskID == claim.taskID }) {
                if let reason = reapableReason(claim, context) {
                    reaped += try end(claim, reason: reason, context)
                }
            }
            for waiter in try context.tx.waiters() where isGone(waiter, context) {
                try leaveQueue(waiter, outcome: goneOutcome(of: waiter, context), context)
            }
            try pruneIfDue(force: true, context)
            return reaped
        }
    }

    /// A claim that ended and may be reaped now: its owner is dead, or its
    /// lease lapsed more than the registry's grace ago.
    func reapableReason(_ claim: ClaimRecord, _ context: EngineContext) -> EndReason? {
        switch endReason(of: claim, at: context.lease) {
        case .ownerDead?: return .ownerDead
        case .expired? where context.lease.remaining(claim) + context.settings.graceMs <= 0: return .expired
        default: return nil
        }
    }

    /// The claim for `taskID` unless it may be reaped (then it is).
    /// A claim whose lease lapsed within the grace is returned: it still blocks.
    func blockingClaim(taskID: String, _ context: EngineContext) throws -> ClaimRecord? {
        guard let claim = try context.tx.claim(taskID: taskID) else { return nil }
        if let reason = reapableReason(claim, context) {
            try end(claim, reason: reason, context)
            return nil
        }
        return claim
    }

    /// The claim for `taskID` if its owner may still use it; an ended one is
    /// reaped on the way (when its grace is over).
    func liveClaim(taskID: String, _ context: EngineContext) throws -> ClaimRecord? {
        guard let claim = try blockingClaim(taskID: taskID, context) else { return nil }
        return endReason(of: claim, at: context.lease) == nil ? claim : nil
    }

    /// Reaps up to `limit` claims whose lease lapsed beyond the grace, found by
    /// the expiry index. One held while its owners live, whose owner lives here,
    /// gets its host lease renewed instead (other hosts judge it by that lease).
    func reapLapsed(limit: Int, _ context: EngineContext) throws {
        let cutoff = context.now - context.settings.graceMs
        var ended: Set<String> = []
        for var claim in try context.tx.expiredClaims(atOrBefore: cutoff, limit: limit) where !ended.contains(claim.taskID) {
            if let reason = reapableReason(claim, context) {
                ended.formUnion(try end(claim, reason: reason, context).map(\.0.taskID))
            } else if claim.isWhileAlive && endReason(of: claim, at: context.lease) == nil {
                context.lease.renew(&claim, leaseMs: Self.hostLeaseMs)
                try context.tx.update(claim)
            }
        }
    }

    /// Ends a claim without its key: an administrator's forced release,
    /// recorded in the history with who forced it.
    public func forceRelease(taskID: String, by who: String, in store: any RegistryStore) throws -> ClaimRecord {
        try writing(store) { context in
            guard let claim = try context.tx.claim(taskID: taskID) else {
                throw WirError(.notFound, "task '\(taskID)' is not in flight")
            }
            try end(claim, reason: .forced, forcedBy: who, context)
            return claim
        }
    }

    /// Removes a claim and records why it ended; its sub-claims end with it
    /// (`parent-ended`), and theirs. Returns every claim it ended, this one first.
    @discardableResult
    func end(_ claim: ClaimRecord, reason: EndReason, forcedBy: String = "",
             _ context: EngineContext) throws -> [(ClaimRecord, EndReason)] {
        let entries = try context.tx.delete(taskID: claim.taskID)
        try context.tx.record(HistoryEntry(claim: claim, entries: entries, endedMs: context.now, reason: reason,
                                           forcedBy: forcedBy))
        context.freed = true
        var ended = [(claim, reason)]
        for child in try context.tx.children(of: claim.taskID) {
            ended += try end(child, reason: .parentEnded, context)
        }
        return ended
    }
}
