import WirEngine
import WirHost
import WirStorage

/// Keeping a claim: renewing its lease and watching for its loss, each call
/// bounded by the lease as this process reckons it (`HolderLease`), so that a
/// holder whose registry stopped answering learns that its claim is lost
/// before others may be admitted to its paths. wir run's keeper and the C API
/// (`wir_heartbeat`, `wir_check`, and through them Python's keeper) use these.
/// Thread-safe, as the registry; a `HolderLease` is its caller's, who serialises
/// the calls that change it.
extension Registry {
    /// This process's reckoning of a claim's lease from a renewal (or admission)
    /// sent at `sentAtMs` (boot clock) that granted `ttlMs` (nil: the claim's own).
    func holderLease(_ record: ClaimRecord, sentAtMs: Int64, ttlMs: Int64? = nil) -> HolderLease {
        HolderLease(record, sentAtMs: sentAtMs, ttlMs: ttlMs, sharedAcrossHosts: store.sharedAcrossHosts)
    }

    /// This process's reckoning of a claim admitted on its behalf, read by a
    /// transaction sent at `sentAtMs` (boot clock).
    func holderLease(_ admission: QueueAdmission, sentAtMs: Int64) -> HolderLease {
        HolderLease(admission.record, sentAtMs: sentAtMs, remainingMs: admission.remainingMs,
                    sharedAcrossHosts: store.sharedAcrossHosts)
    }

    /// Renews the lease, as `heartbeat` (`ttlMs` 0: the claim's own), and brings
    /// `lease` up to date. It waits (for this handle, and for the registry) no
    /// later than the lease allows. Throws `.lost` when the claim has ended, and
    /// when the renewal fails once `lease.renewBy` has passed: the lease can no
    /// longer be renewed before it ends, and then others may be admitted to its
    /// paths. Failures before that (`.busy`, `.io`) are thrown as they are: try
    /// again.
    public func renew(_ lease: inout HolderLease, taskID: String, key: String, ttlMs: Int64 = 0) throws -> ClaimRecord {
        let ttl = try Limits.ttl(ttlMs)
        let sentAtMs = MonotonicClock.bootMs()
        let record = try withinLease(lease, taskID: taskID) {
            try engine.heartbeat(taskID: taskID, key: key, ttlMs: ttl, in: store)
        }
        lease = holderLease(record, sentAtMs: sentAtMs, ttlMs: ttl)
        return record
    }

    /// Returns if the claim still holds (a read, as `isHeld`; it renews
    /// nothing); throws `.lost` if it has ended, and, as `renew`, when the
    /// registry cannot tell once `lease.renewBy` has passed.
    public func check(_ lease: HolderLease, taskID: String, key: String) throws {
        guard try withinLease(lease, taskID: taskID, { try engine.isHeld(taskID: taskID, key: key, in: store) }) else {
            throw WirError(.lost, "task '\(taskID)' no longer holds its claim (released, expired or reaped)")
        }
    }

    /// Runs `body` under the handle's lock, waiting for the lock and the store
    /// until the lease's renewal deadline (or, once that passed, its end) if
    /// one is ahead; a failure from the renewal deadline on is the claim's loss.
    private func withinLease<T>(_ lease: HolderLease, taskID: String, _ body: () throws -> T) throws -> T {
        let now = MonotonicClock.bootMs()
        let deadline: Deadline?
        if let renewBy = lease.renewBy, renewBy > now {
            deadline = Deadline(atMs: renewBy, reason: "before the lease had to be renewed")
        } else if let endsMs = lease.endsMs, endsMs > now {
            deadline = Deadline(atMs: endsMs, reason: "before the lease ended")
        } else {
            deadline = nil
        }
        do {
            guard let deadline else { return try held(body) }
            return try held(until: deadline) { try store.bounded(by: deadline, body) }
        } catch let error as WirError where error.code != .lost && lease.isOver(atMs: MonotonicClock.bootMs()) {
            throw WirError(.lost, "task '\(taskID)' could not renew its lease before it ends, so others may be "
                           + "admitted to its paths: \(error.message)")
        }
    }
}
