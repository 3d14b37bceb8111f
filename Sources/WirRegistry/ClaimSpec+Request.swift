import WirEngine
import WirHost

extension ClaimSpec {
    /// The request this spec makes: every value checked (by `Limits` and the
    /// named types), every path canonicalised, a task id generated if none was
    /// given and a key for a new claim. `defaultOwner` owns the claim unless
    /// `ownerPID` names another live process; `caller` is the process that
    /// asks and will wait (whose ancestors it must not wait for, and whose
    /// identity, not `ownerPID`, decides whether it may extend a claim in
    /// flight without its key). A probe (`probing`) may name no entries: it
    /// would meet no conflicts.
    func request(defaultOwner: Owner, caller: Owner, probing: Bool = false) throws -> ClaimRequest {
        try Limits.entries(writes: writes.count, reads: reads.count, mayBeEmpty: probing)
        let taskID = try taskID.map { try Limits.identifier($0, "the task id") }
            ?? "task-" + Secret.randomHex(bytes: 6)
        let key = try key.map { try Limits.identifier($0, "the key") }
        let lease = try Limits.lease(ttlMs)
        _ = try Limits.timeout(timeoutMs)
        var policy = self.policy
        if policy == nil, let name = Environment.value("WIR_POLICY") {
            guard let named = Policy(rawValue: name) else {
                throw WirError(.invalidArgument, "WIR_POLICY='\(name)' is not refuse, queue or warn")
            }
            policy = named
        }
        var owner = defaultOwner
        if let ownerPID {
            guard let found = ProcessIdentity.owner(pid: ownerPID) else {
                throw WirError(.invalidArgument, "owner pid \(ownerPID) is not a live process on this host")
            }
            owner = found
        }
        let entries = try writes.map { try PathResolver.entry($0, .write) }
            + reads.map { try PathResolver.entry($0, .read) }
        let label = label.isEmpty ? "" : try Limits.identifier(label, "the label")
        let parent = try parent.map {
            ParentClaim(taskID: try Limits.identifier($0.taskID, "the parent task id"),
                        key: try Limits.identifier($0.key, "the parent key"))
        }
        let allowed = try allowWrites.map { text in
            guard !Glob.isPattern(text) else {
                throw WirError(.invalidArgument, "allowed write '\(text)' is a glob; name a path (its directory, say)")
            }
            return try PathResolver.canonicalize(text)
        }
        return ClaimRequest(taskID: taskID, key: key, entries: entries, lease: lease, policy: policy, owner: owner,
                            caller: caller, newKey: Secret.randomHex(bytes: 16), label: label, parent: parent,
                            allowWrites: allowed, callerAncestors: { ProcessIdentity.ancestors(of: caller.pid) })
    }
}
