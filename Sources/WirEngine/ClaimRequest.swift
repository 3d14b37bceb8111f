/// What a caller asks for, already validated and canonicalised.
public struct ClaimRequest: Sendable {
    public var taskID: String
    /// The key of a claim in flight under `taskID`, to extend it from another process.
    public var key: String?
    /// Canonical, de-duplicated, sorted entries; never empty.
    public var entries: [PathEntry]
    public var lease: Lease
    /// nil: the registry's default.
    public var policy: Policy?
    public var owner: Owner
    /// The process making the request (for the CLI, the process it acts for:
    /// its parent). Only an owner may extend a claim in flight without its key:
    /// this process, or one above it (`callerAncestors`), never a pid it names.
    public var caller: Owner
    /// The key to give the claim if it is new.
    public var newKey: String
    /// A free-text description for listings.
    public var label: String
    /// The claim to make this one under, if any.
    public var parent: ParentClaim?
    /// Paths a confined run may write without claiming them, canonical, sorted, each once.
    public var allowWrites: [CanonicalPath]
    /// The processes (and their groups) above the caller on this host: a
    /// queued claim that would wait on a claim one of them owns would wait for
    /// ever, and is refused instead. Asked only when a claim is about to queue.
    public var callerAncestors: @Sendable () -> [Owner]

    public init(taskID: String, key: String?, entries: [PathEntry], lease: Lease, policy: Policy?, owner: Owner,
                caller: Owner, newKey: String, label: String = "", parent: ParentClaim? = nil, allowWrites: [CanonicalPath] = [],
                callerAncestors: @escaping @Sendable () -> [Owner] = { [] }) {
        self.taskID = taskID
        self.key = key
        self.entries = ClaimRequest.merged(entries)
        self.lease = lease
        self.policy = policy
        self.owner = owner
        self.caller = caller
        self.newKey = newKey
        self.label = label
        self.parent = parent
        self.allowWrites = Array(Set(allowWrites)).sorted()
        self.callerAncestors = callerAncestors
    }

    /// `entries` each once, sorted: two that share a principal name (two
    /// spellings of one file) become one with the names of both.
    public static func merged(_ entries: [PathEntry]) -> [PathEntry] {
        // Sorted (stably), equal entries are neighbours, in the order given: no hashing.
        var result: [PathEntry] = []
        result.reserveCapacity(entries.count)
        for entry in entries.sorted() {
            if let last = result.last, last == entry {
                result[result.count - 1] = last.adding(aliases: entry.names)
            } else {
                result.append(entry)
            }
        }
        return result
    }

    /// True when the caller owns `claim`: it is one of its owners, or runs
    /// under one (an owner process above it, or an owner group it or one of
    /// those is in). Reads `/proc` only when the caller is not an owner itself.
    public func callerOwns(_ claim: ClaimRecord) -> Bool {
        claim.owners.contains(caller) || callerAncestors().contains(where: claim.owners.contains)
    }

    /// A request with a TTL (nil: the registry's default), made by its owner.
    public init(taskID: String, key: String?, entries: [PathEntry], ttlMs: Int64?,
                policy: Policy?, owner: Owner, newKey: String, label: String = "") {
        self.init(taskID: taskID, key: key, entries: entries, lease: ttlMs.map(Lease.ttl) ?? .registryDefault,
                  policy: policy, owner: owner, caller: owner, newKey: newKey, label: label)
    }

    /// A request for plain write paths, as most callers make.
    public init(taskID: String, key: String?, writes: [CanonicalPath], ttlMs: Int64?,
                policy: Policy?, owner: Owner, newKey: String) {
        self.init(taskID: taskID, key: key, entries: writes.map { PathEntry(.write, $0) }, ttlMs: ttlMs,
                  policy: policy, owner: owner, newKey: newKey)
    }
}
