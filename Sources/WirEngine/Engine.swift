/// The conflict engine: every rule about admitting, extending, renewing and
/// releasing claims, applied inside one store transaction per call. It holds
/// no state of its own; time and owner liveness are injected.
public struct Engine: Sendable {
    public let clock: any Clock
    public let liveness: any OwnerLiveness
    /// How many lapsed claims each claim call reaps in passing, so the table
    /// does not fill with dead rows nobody touches.
    public var housekeepingBatch = 4

    public init(clock: any Clock, liveness: any OwnerLiveness) {
        self.clock = clock
        self.liveness = liveness
    }

    /// Admits `request` all or nothing, or refuses it with every overlapping pair.
    /// A request for a task in flight extends that claim when it comes from the
    /// claim's owner or carries its key.
    public func claim(_ request: ClaimRequest, in store: any RegistryStore) throws -> ClaimResult {
        try store.write { tx in
            let now = clock.nowMs()
            try reapLapsed(limit: housekeepingBatch, tx, now: now)
            var existing = try liveClaim(taskID: request.taskID, tx, now: now)
            if let held = existing, held.owner != request.owner {
                guard let key = request.key else {
                    throw WirError(.taskInUse, "task '\(request.taskID)' is in flight under another owner "
                                   + "(pid \(held.owner.pid) on \(held.owner.host)); pass its key to extend it")
                }
                guard keysMatch(key, held.key) else {
                    throw WirError(.wrongKey, "the key does not match task '\(request.taskID)'")
                }
            }
            let conflicts = try conflicts(for: request.writes, excluding: request.taskID, tx, now: now)
            if !conflicts.isEmpty {
                for conflict in conflicts {
                    try tx.log(ConflictLogEntry(atMs: now, taskID: request.taskID, conflict: conflict,
                                                policy: request.policy, outcome: "refused"))
                }
                return .refused(conflicts)
            }
            if var held = existing {
                let heldPaths = try tx.paths(taskID: held.taskID)
                let known = Set(heldPaths)
                let added = request.writes.filter { !known.contains($0) }
                if !added.isEmpty {
                    try tx.add(paths: added, taskID: held.taskID)
                    held.token = try tx.issueToken()
                }
                held.ttlMs = request.ttlMs
                held.expiresMs = now + request.ttlMs
                try tx.update(held)
                existing = held
                return .admitted(held, paths: (heldPaths + added).sorted())
            }
            let record = ClaimRecord(taskID: request.taskID, key: request.newKey, token: try tx.issueToken(),
                                     owner: request.owner, createdMs: now,
                                     expiresMs: now + request.ttlMs, ttlMs: request.ttlMs)
            try tx.insert(record, paths: request.writes)
            return .admitted(record, paths: request.writes)
        }
    }

    /// Renews the lease of the claim `taskID` holds under `key`: it lapses
    /// `ttlMs` from now (nil: the claim's own TTL). Throws `.lost` when the
    /// claim has ended, whatever the reason.
    public func heartbeat(taskID: String, key: String, ttlMs: Int64?,
                          in store: any RegistryStore) throws -> ClaimRecord {
        try store.write { tx in
            let now = clock.nowMs()
            var held = try ownClaim(taskID: taskID, key: key, tx, now: now)
            held.expiresMs = now + (ttlMs ?? held.ttlMs)
            try tx.update(held)
            return held
        }
    }

    /// Releases the claim `taskID` holds under `key`, recording `outcome`.
    public func release(taskID: String, key: String, outcome: EndReason,
                        in store: any RegistryStore) throws {
        try store.write { tx in
            let now = clock.nowMs()
            let held = try ownClaim(taskID: taskID, key: key, tx, now: now)
            try end(held, reason: outcome, tx, now: now)
        }
    }

    /// The claim in flight for `taskID`, if `key` is its key.
    public func attach(taskID: String, key: String,
                       in store: any RegistryStore) throws -> (ClaimRecord, paths: [CanonicalPath]) {
        try store.write { tx in
            let now = clock.nowMs()
            guard let held = try liveClaim(taskID: taskID, tx, now: now) else {
                throw WirError(.notFound, "task '\(taskID)' is not in flight")
            }
            guard keysMatch(key, held.key) else {
                throw WirError(.wrongKey, "the key does not match task '\(taskID)'")
            }
            return (held, try tx.paths(taskID: taskID))
        }
    }

    /// True when a live claim holding `path` (or an ancestor of it) has `token`.
    public func tokenHolds(_ token: Int64, path: CanonicalPath, in store: any RegistryStore) throws -> Bool {
        try store.read { tx in
            let now = clock.nowMs()
            for holding in try tx.holdings(overlapping: path) where path.isWithin(holding.path) {
                if let held = try tx.claim(taskID: holding.taskID), held.token == token,
                   endReason(of: held, now: now) == nil {
                    return true
                }
            }
            return false
        }
    }

    /// Every overlapping pair between `writes` and claims of other tasks that
    /// are still alive. Lapsed or dead holders met on the way are reaped.
    func conflicts(for writes: [CanonicalPath], excluding taskID: String,
                   _ tx: any StoreTransaction, now: Int64) throws -> [Conflict] {
        var holders: [String: ClaimRecord] = [:]
        var reaped: Set<String> = []
        var conflicts: [Conflict] = []
        for path in writes {
            for holding in try tx.holdings(overlapping: path)
            where holding.taskID != taskID && !reaped.contains(holding.taskID) {
                let holder: ClaimRecord
                if let known = holders[holding.taskID] {
                    holder = known
                } else {
                    guard let loaded = try liveClaim(taskID: holding.taskID, tx, now: now) else {
                        reaped.insert(holding.taskID)
                        continue
                    }
                    holders[holding.taskID] = loaded
                    holder = loaded
                }
                conflicts.append(Conflict(requestedPath: path, heldPath: holding.path, holder: holder))
            }
        }
        return conflicts
    }

    /// The claim `taskID` holds under `key`, or `.lost` if it has ended
    /// (reaping it if its lease lapsed or its owner died) or was replaced.
    func ownClaim(taskID: String, key: String, _ tx: any StoreTransaction, now: Int64) throws -> ClaimRecord {
        guard let held = try liveClaim(taskID: taskID, tx, now: now), keysMatch(key, held.key) else {
            throw WirError(.lost, "task '\(taskID)' no longer holds its claim (released, expired or reaped)")
        }
        return held
    }
}

/// Compares secrets in time independent of where they differ.
func keysMatch(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for index in x.indices { difference |= x[index] ^ y[index] }
    return difference == 0
}
