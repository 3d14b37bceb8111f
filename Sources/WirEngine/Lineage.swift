/// Where a request stands in a tree of claims: the claim it is made under,
/// the task ids above it, and the checks a sub-claim must pass. Claims in one
/// line (one above the other) never block each other; siblings and strangers do.
/// Made and used inside one engine transaction.
struct Lineage {
    /// The claim the request is made under, if any.
    let parent: ClaimRecord?
    /// The request's own task id and the task ids above it, nearest first.
    let line: [String]

    /// Claims nested deeper than this are refused (a guard against cycles).
    static let maxDepth = 64

    /// The request's place: under its parent (named by the request, or already
    /// recorded on the claim it extends). Throws when the parent is not in
    /// flight, the key does not match, or an entry overlaps the parent's
    /// without lying within it (it would wait on its own parent).
    init(of request: ClaimRequest, existing: ClaimRecord?, engine: Engine, _ context: EngineContext) throws {
        let recorded = existing?.parentTaskID ?? ""
        var parent: ClaimRecord?
        if let named = request.parent {
            guard recorded.isEmpty || recorded == named.taskID else {
                throw WirError(.invalidArgument, "task '\(request.taskID)' is in flight under parent '\(recorded)', "
                               + "not '\(named.taskID)'")
            }
            guard named.taskID != request.taskID else {
                throw WirError(.invalidArgument, "task '\(request.taskID)' cannot be its own parent")
            }
            guard let found = try engine.liveClaim(taskID: named.taskID, context) else {
                throw WirError(.notFound, "parent task '\(named.taskID)' is not in flight")
            }
            guard Secret.matches(named.key, found.key) else {
                throw WirError(.wrongKey, "the key does not match parent task '\(named.taskID)'")
            }
            parent = found
        } else if !recorded.isEmpty {
            parent = try engine.liveClaim(taskID: recorded, context)
            guard parent != nil else { throw WirError(.lost, "the parent of task '\(request.taskID)', '\(recorded)', has ended") }
        }
        self.parent = parent
        var line = [request.taskID]
        var next = parent.map { ($0.taskID, $0.parentTaskID) }
        while let (taskID, above) = next {
            guard !line.contains(taskID), line.count <= Self.maxDepth else {
                throw WirError(.invalidArgument, "claims nest deeper than \(Self.maxDepth) levels under '\(taskID)'")
            }
            line.append(taskID)
            next = above.isEmpty ? nil : (try context.tx.claim(taskID: above)).map { ($0.taskID, $0.parentTaskID) }
        }
        self.line = line
        if let parent { try Self.checkWithin(request.entries, parent, context) }
    }

    /// Every entry that would conflict with the parent's lies within one of
    /// them: writes within writes, reads within either.
    private static func checkWithin(_ entries: [PathEntry], _ parent: ClaimRecord, _ context: EngineContext) throws {
        let theirs = try context.tx.entries(taskID: parent.taskID)
        for entry in entries {
            let within = theirs.contains { $0.contains(entry.base) && (entry.access == .read || $0.access == .write) }
            if !within, let overlapped = theirs.first(where: entry.conflicts) {
                throw WirError(.invalidArgument, "\(entry.description) overlaps \(overlapped.description) of parent task "
                               + "'\(parent.taskID)' without lying within it, so it would wait on its own parent")
            }
        }
    }

    /// True when the claim or waiter `taskID` (made under `parentTaskID`) is
    /// in this request's line: above it, or below it (its own sub-claims).
    func isRelated(to taskID: String, parent parentTaskID: String, _ context: EngineContext) throws -> Bool {
        if line.contains(taskID) { return true }
        var above = parentTaskID
        var depth = 0
        while !above.isEmpty && depth <= Self.maxDepth {
            if above == line[0] { return true }
            above = try context.tx.claim(taskID: above)?.parentTaskID ?? ""
            depth += 1
        }
        return false
    }
}
