import WirEngine
import WirRegistry

/// The table (or JSON) of claims and waiters, for `ls` and `who`.
enum InFlightView {
    static func show(claims: [(ClaimRecord, [PathEntry])], waiters: [Waiter], json: Bool) {
        if json {
            print(RegistryJSON.inFlight(claims: claims, waiters: waiters))
            return
        }
        if claims.isEmpty && waiters.isEmpty {
            print("nothing in flight")
            return
        }
        if !claims.isEmpty {
            Table.print(["TASK", "LABEL", "OWNERS", "TOKEN", "LEASE", "ENTRIES"], tree(claims).map { depth, record, entries in
                [String(repeating: "  ", count: depth) + (depth > 0 ? "└ " : "") + record.taskID,
                 record.label.isEmpty ? "-" : record.label, record.owners.map(\.description).joined(separator: ", "),
                 "\(record.token)", lease(record), Table.entries(entries) + allowed(record)]
            })
        }
        if !waiters.isEmpty {
            if !claims.isEmpty { print("") }
            Table.print(["QUEUED", "TASK", "OWNER", "WAITING", "ENTRIES"], waiters.map { waiter in
                ["#\(waiter.ticket)", waiter.taskID + (waiter.parentTaskID.isEmpty ? "" : " (under \(waiter.parentTaskID))"),
                 waiter.owner.description,
                 TimeText.span(TimeText.nowMs() - waiter.enqueuedMs), Table.entries(waiter.entries)]
            })
        }
    }

    /// What a confined run may write beyond its entries, after them.
    static func allowed(_ record: ClaimRecord) -> String {
        record.allowWrites.isEmpty ? "" : "; may also write " + record.allowWrites.map(\.value).joined(separator: ", ")
    }

    /// "while alive", or when the lease ends.
    static func lease(_ record: ClaimRecord) -> String {
        record.isWhileAlive ? "while alive" : "ends " + TimeText.relative(record.expiresMs)
    }

    /// The claims with each sub-claim right under its parent, and its depth
    /// (a claim whose parent is not listed is shown at the top).
    static func tree(_ claims: [(ClaimRecord, [PathEntry])]) -> [(Int, ClaimRecord, [PathEntry])] {
        let listed = Set(claims.map(\.0.taskID))
        var children: [String: [(ClaimRecord, [PathEntry])]] = [:]
        for claim in claims where listed.contains(claim.0.parentTaskID) {
            children[claim.0.parentTaskID, default: []].append(claim)
        }
        var rows: [(Int, ClaimRecord, [PathEntry])] = []
        func visit(_ claim: (ClaimRecord, [PathEntry]), _ depth: Int) {
            rows.append((depth, claim.0, claim.1))
            for child in children[claim.0.taskID] ?? [] where depth < 64 { visit(child, depth + 1) }
        }
        for claim in claims where !listed.contains(claim.0.parentTaskID) { visit(claim, 0) }
        return rows
    }
}
