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
            Table.print(["TASK", "LABEL", "OWNER", "TOKEN", "LEASE", "ENTRIES"], claims.map { record, entries in
                [record.taskID, record.label.isEmpty ? "-" : record.label,
                 "\(record.owner.pid)@\(record.owner.host)", "\(record.token)",
                 "ends " + TimeText.relative(record.expiresMs), Table.entries(entries)]
            })
        }
        if !waiters.isEmpty {
            if !claims.isEmpty { print("") }
            Table.print(["QUEUED", "TASK", "OWNER", "WAITING", "ENTRIES"], waiters.map { waiter in
                ["#\(waiter.ticket)", waiter.taskID, "\(waiter.owner.pid)@\(waiter.owner.host)",
                 TimeText.span(TimeText.nowMs() - waiter.enqueuedMs), Table.entries(waiter.entries)]
            })
        }
    }
}
