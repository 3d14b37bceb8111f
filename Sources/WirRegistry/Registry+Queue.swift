import WirEngine
import WirHost
import WirStorage

/// Waiting in the queue: a queued claim sleeps on its store's wake-up channel,
/// the deaths of local blockers and its cancel switch. Woken, it first reads
/// whether the transaction that woke it admitted it on its behalf (the usual
/// case: `Engine+QueueAdmission`), and otherwise looks again.
extension Registry {
    /// A queued claim looks again at least this often, whatever it was told.
    static let fallbackRecheckMs: Int64 = 2000

    /// Decides `request`, and while the engine says it is queued, waits and
    /// decides again, until admitted, refused, timed out (after `timeoutMs`;
    /// -1 waits for ever) or cancelled.
    /// Returns the decision with this process's reckoning of an admitted claim's lease.
    func waitForDecision(_ request: ClaimRequest, timeoutMs: Int64,
                         whileQueued: ((Int64, [Conflict], Int64) -> Void)?) throws -> (ClaimDecision, HolderLease?) {
        let started = MonotonicClock.nowMs()
        // A timeout too long to add to the clock (C's INT64_MAX) waits as long as -1 does.
        let (end, overflowed) = started.addingReportingOverflow(timeoutMs)
        let deadline = timeoutMs < 0 || overflowed ? Int64.max : end
        var sentAtMs: Int64 = 0
        // One engine transaction; an I/O error names the task id, which may have been
        // generated here: after a lost commit, claiming again under it is the safe retry.
        func decide(ticket: Int64?, mayWait: Bool) throws -> ClaimResult {
            sentAtMs = MonotonicClock.bootMs()
            let waitMs = deadline == .max ? nil : deadline - MonotonicClock.nowMs()
            do {
                return try locked { try engine.claim(request, ticket: ticket, mayWait: mayWait, waitMs: waitMs, in: store) }
            } catch let error as WirError where error.code == .io {
                throw WirError(.io, error.message + " (claim for task '\(request.taskID)')")
            }
        }
        var result = try decide(ticket: nil, mayWait: timeoutMs != 0)
        guard case .queued(var ticket, let firstConflicts, _) = result else { return decided(result, sentAtMs) }
        do {
            // Registered before anyone is told it waits, so a cancel is never missed.
            let wait = try QueueWait(channel: channel)
            waitsLock.withLock { waits[request.taskID] = wait }
            defer { waitsLock.withLock { if waits[request.taskID] === wait { waits[request.taskID] = nil } } }
            whileQueued?(ticket, Array(firstConflicts), 0)
            while true {
                try wait.listen(ticket: ticket)
                if wait.isCancelled {
                    try locked { try engine.abandon(ticket: ticket, of: request, outcome: .cancelled, in: store) }
                    throw WirError(.cancelled, "the queued claim for task '\(request.taskID)' was cancelled")
                }
                // Admitted on its behalf? A read, without the registry's write lock.
                let readAtMs = MonotonicClock.bootMs()
                if let admission = try locked({ try engine.admission(of: request, in: store) }) {
                    return decided(.admittedInQueue(admission), readAtMs)
                }
                // Looking again right after listening closes the gap in which a
                // release could have signalled a socket that did not exist yet.
                result = try decide(ticket: ticket, mayWait: MonotonicClock.nowMs() < deadline)
                guard case .queued(let next, let conflicts, let blockers) = result else {
                    return decided(result, sentAtMs)
                }
                ticket = next
                whileQueued?(ticket, Array(conflicts), MonotonicClock.nowMs() - started)
                let lapse = blockers.map(\.lapsesInMs).min() ?? Self.fallbackRecheckMs
                let sleep = min(deadline - MonotonicClock.nowMs(), max(1, lapse), Self.fallbackRecheckMs)
                wait.sleep(timeoutMs: sleep, blockers: blockers.flatMap(\.owners))
            }
        } catch {
            // Leave the queue whatever went wrong (a no-op if already left); a claim
            // admitted on its behalf meanwhile ends, since nobody will hold it.
            _ = try? locked { try engine.abandon(ticket: ticket, of: request, outcome: .abandoned, in: store) }
            throw error
        }
    }

    /// Cancels the queued claims of this registry handle that are waiting for
    /// task `taskID` (nil: all of them). Returns how many were waiting.
    @discardableResult
    public func cancel(taskID: String? = nil) -> Int {
        let chosen = waitsLock.withLock { waits.filter { taskID == nil || $0.key == taskID }.map(\.value) }
        chosen.forEach { $0.cancel() }
        return chosen.count
    }

    /// A decided result as the registry's callers see it (`.queued` is waited
    /// out above), with the lease of an admitted claim as reckoned from when
    /// the transaction that decided or read it was sent (boot clock).
    private func decided(_ result: ClaimResult, _ sentAtMs: Int64) -> (ClaimDecision, HolderLease?) {
        switch result {
        case .admitted(let record, let entries, let warnings):
            return (.admitted(record, entries: entries, warnings: warnings), holderLease(record, sentAtMs: sentAtMs))
        case .admittedInQueue(let admission):
            return (.admitted(admission.record, entries: admission.entries, warnings: []),
                    holderLease(admission, sentAtMs: sentAtMs))
        case .refused(let conflicts): return (.refused(conflicts), nil)
        case .timedOut(let conflicts): return (.timedOut(conflicts), nil)
        case .queued: preconditionFailure("a queued result is waited out before it is returned")
        }
    }
}
