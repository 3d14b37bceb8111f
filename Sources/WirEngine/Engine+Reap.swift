/// Ending claims: by their owner's word, by lease, or by their owner's death.
extension Engine {
    /// Why a claim has ended without being released, or nil if it still holds.
    public func endReason(of claim: ClaimRecord, now: Int64) -> EndReason? {
        if liveness.status(of: claim.owner) == .dead { return .ownerDead }
        if claim.isExpired(at: now) { return .expired }
        return nil
    }

    /// Reaps every claim whose lease lapsed or whose owner is dead.
    /// Returns the reaped claims with the reason each ended.
    public func reapAll(in store: any RegistryStore) throws -> [(ClaimRecord, EndReason)] {
        try store.write { tx in
            let now = clock.nowMs()
            var reaped: [(ClaimRecord, EndReason)] = []
            for claim in try tx.allClaims() {
                if let reason = endReason(of: claim, now: now) {
                    try end(claim, reason: reason, tx, now: now)
                    reaped.append((claim, reason))
                }
            }
            return reaped
        }
    }

    /// The claim for `taskID` if it still holds; an ended one is reaped on the way.
    func liveClaim(taskID: String, _ tx: any StoreTransaction, now: Int64) throws -> ClaimRecord? {
        guard let claim = try tx.claim(taskID: taskID) else { return nil }
        if let reason = endReason(of: claim, now: now) {
            try end(claim, reason: reason, tx, now: now)
            return nil
        }
        return claim
    }

    /// Reaps up to `limit` claims whose lease has lapsed, found by the expiry index.
    func reapLapsed(limit: Int, _ tx: any StoreTransaction, now: Int64) throws {
        for claim in try tx.expiredClaims(atOrBefore: now, limit: limit) {
            try end(claim, reason: endReason(of: claim, now: now) ?? .expired, tx, now: now)
        }
    }

    /// Removes a claim and records why it ended.
    func end(_ claim: ClaimRecord, reason: EndReason, _ tx: any StoreTransaction, now: Int64) throws {
        let paths = try tx.paths(taskID: claim.taskID)
        try tx.delete(taskID: claim.taskID)
        try tx.record(HistoryEntry(claim: claim, paths: paths, endedMs: now, reason: reason))
    }
}
