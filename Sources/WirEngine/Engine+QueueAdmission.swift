/// Handing a freed path on: the transaction that frees something (a release,
/// a reap, a shrink, a waiter leaving) admits, before it commits, the waiters
/// it left unblocked, in ticket order, each as its own request would have
/// been admitted; the waiter then only reads that it was. Who may be admitted
/// is one rule, `obstacles`, for a claim and a waiter alike.
extension Engine {
    /// How many live waiters one transaction examines; those beyond are woken
    /// to look for themselves.
    static let admissionBatch = 32

    /// Drops the waiters that are gone and admits, in ticket order, each live
    /// waiter that nothing blocks any longer: no claim of another task overlaps
    /// it, and no waiter ahead of it that overlaps it is still waiting (so no
    /// later ticket overtakes an earlier one). A waiter that cannot be admitted
    /// on its behalf is told to look for itself (`EngineContext.mustLook`).
    func admitWaiters(_ context: EngineContext) throws {
        var examined = 0
        var ahead: [Waiter] = []                            // still waiting, in ticket order
        for waiter in try context.tx.waiters() {
            let status = liveness.status(of: waiter.owner)
            if isGone(waiter, status: status, context) {
                try leaveQueue(waiter, outcome: goneOutcome(of: waiter, context), context)
                continue
            }
            guard examined < Self.admissionBatch else {
                context.mustLook.append(waiter.ticket)
                continue
            }
            examined += 1
            switch try admitOnBehalf(waiter, alive: status == .alive, ahead: ahead, context) {
            case true?: context.handedOff.append(waiter.ticket)
            case false?: ahead.append(waiter)
            case nil:
                context.mustLook.append(waiter.ticket)
                ahead.append(waiter)
            }
        }
    }

    /// Admits `waiter` if nothing blocks it (`ahead`: the waiters before it
    /// still waiting): true if admitted, false if still blocked, nil if it
    /// must look for itself. Only a waiter seen `alive` here is admitted (one
    /// judged by its lease alone, on another host or in another pid namespace,
    /// could be dead, and a claim outlives a waiter's place), and only as a
    /// new claim: one that would extend a claim in flight under its task id,
    /// or whose request now fails (its parent ended), looks.
    private func admitOnBehalf(_ waiter: Waiter, alive: Bool, ahead: [Waiter], _ context: EngineContext) throws -> Bool? {
        guard let terms = waiter.terms, alive, try context.tx.claim(taskID: waiter.taskID) == nil else { return nil }
        let request = ClaimRequest(taskID: waiter.taskID, key: nil, entries: waiter.entries, lease: terms.lease,
                                   policy: .queue, owner: waiter.owner, caller: waiter.owner, newKey: terms.key,
                                   label: terms.label,
                                   parent: waiter.parentTaskID.isEmpty ? nil
                                       : ParentClaim(taskID: waiter.parentTaskID, key: terms.parentKey),
                                   allowWrites: terms.allowWrites)
        do {
            let lineage = try Lineage(of: request, existing: nil, engine: self, context)
            let blocked = try obstacles(to: request.entries, of: request.taskID, ticket: waiter.ticket,
                                        lineage: lineage, queue: true, waiters: ahead, context)
            guard blocked.conflicts.isEmpty else { return false }
            try leaveQueue(waiter, outcome: .admitted, context)
            _ = try admit(request, existing: nil, parent: lineage.parent, context)
            return true
        } catch let error as WirError where Self.requestFailures.contains(error.code) {
            return nil                                      // its own look reports the failure
        }
    }

    /// Failures of a request itself (its parent, its key, its entries), not of the store.
    private static let requestFailures: [WirError.Code] = [.notFound, .wrongKey, .invalidArgument, .lost]

    /// The claim a transaction admitted on behalf of `request`, queued earlier,
    /// if it did and the claim still holds: the claim under its task id with
    /// the key it made (`ClaimRequest.newKey`, which nobody else has). One read
    /// transaction, no lock: what a woken waiter does first.
    public func admission(of request: ClaimRequest, in store: any RegistryStore) throws -> QueueAdmission? {
        try store.read { tx in
            guard let claim = try tx.claim(taskID: request.taskID), Secret.matches(request.newKey, claim.key) else {
                return nil
            }
            let clock = try leaseClock(in: tx)
            guard endReason(of: claim, at: clock) == nil else { return nil }
            return QueueAdmission(record: claim, entries: try tx.entries(taskID: claim.taskID),
                                  remainingMs: clock.remaining(claim))
        }
    }

    /// The same, inside a write transaction (an ended claim met here is reaped).
    func admission(of request: ClaimRequest, _ context: EngineContext) throws -> QueueAdmission? {
        guard let claim = try liveClaim(taskID: request.taskID, context), Secret.matches(request.newKey, claim.key) else {
            return nil
        }
        return QueueAdmission(record: claim, entries: try context.tx.entries(taskID: claim.taskID),
                              remainingMs: context.lease.remaining(claim))
    }

    /// True when a waiter will never look again, or may no longer be admitted:
    /// its owner died, it stopped renewing its place, or its timeout ran out.
    func isGone(_ waiter: Waiter, status: OwnerStatus? = nil, _ context: EngineContext) -> Bool {
        waiter.expiresMs <= context.now || timedOut(waiter, context)
            || (status ?? liveness.status(of: waiter.owner)) == .dead
    }

    /// What the log says of a waiter that is gone: timed out, or abandoned.
    func goneOutcome(of waiter: Waiter, _ context: EngineContext) -> ConflictOutcome {
        timedOut(waiter, context) ? .timedOut : .abandoned
    }

    private func timedOut(_ waiter: Waiter, _ context: EngineContext) -> Bool {
        waiter.deadlineMs > 0 && waiter.deadlineMs <= context.now
    }
}
