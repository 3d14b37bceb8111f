import WirEngine

/// The JSON shapes of the registry's listings: one schema, shared by the C
/// API (`wir_*_json`) and the CLI's `--json`, documented in docs/json.md.
/// Times are milliseconds since the Unix epoch.
public enum RegistryJSON {
    public static func inFlight(claims: [(ClaimRecord, [PathEntry])], waiters: [Waiter]) -> String {
        "{\"claims\":[" + claims.map(claim).joined(separator: ",") + "],\"waiters\":["
            + waiters.map(waiter).joined(separator: ",") + "]}"
    }

    public static func conflictLog(_ rows: [ConflictLogEntry]) -> String {
        "[" + rows.map { row in
            object([("at_ms", "\(row.atMs)"), ("task_id", string(row.taskID)),
                    ("requested", entry(row.conflict.requested)), ("held", entry(row.conflict.held)),
                    ("holder", object([("task_id", string(row.conflict.holderTaskID)),
                                       ("host", string(row.conflict.holderHost)),
                                       ("pid", "\(row.conflict.holderPID)")])),
                    ("policy", string(row.policy.rawValue)), ("outcome", string(row.outcome.rawValue)),
                    ("waited_ms", "\(row.waitedMs)"), ("count", "\(row.count)"), ("last_ms", "\(row.lastMs)")])
        }.joined(separator: ",") + "]"
    }

    public static func history(_ rows: [HistoryEntry]) -> String {
        "[" + rows.map { row in
            object([("task_id", string(row.claim.taskID)), ("label", string(row.claim.label)),
                    ("token", "\(row.claim.token)"),
                    ("owner", owner(row.claim.owner)), ("created_ms", "\(row.claim.createdMs)"),
                    ("ended_ms", "\(row.endedMs)"), ("duration_ms", "\(row.endedMs - row.claim.createdMs)"),
                    ("reason", string(row.reason.rawValue)), ("forced_by", string(row.forcedBy)),
                    ("entries", entries(row.entries))])
        }.joined(separator: ",") + "]"
    }

    static func claim(_ item: (ClaimRecord, [PathEntry])) -> String {
        let (record, held) = item
        return object([("task_id", string(record.taskID)), ("label", string(record.label)),
                       ("token", "\(record.token)"),
                       ("owner", owner(record.owner)), ("owners", "[" + record.owners.map(owner).joined(separator: ",") + "]"),
                       ("parent_task_id", string(record.parentTaskID)), ("created_ms", "\(record.createdMs)"),
                       ("expires_ms", "\(record.expiresMs)"), ("ttl_ms", "\(record.ttlMs)"),
                       ("while_alive", record.isWhileAlive ? "true" : "false"), ("entries", entries(held)),
                       ("allow_writes", "[" + record.allowWrites.map { string($0.value) }.joined(separator: ",") + "]")])
    }

    static func waiter(_ waiter: Waiter) -> String {
        object([("ticket", "\(waiter.ticket)"), ("task_id", string(waiter.taskID)), ("owner", owner(waiter.owner)),
                ("parent_task_id", string(waiter.parentTaskID)), ("enqueued_ms", "\(waiter.enqueuedMs)"),
                ("entries", entries(waiter.entries))])
    }

    static func owner(_ owner: Owner) -> String {
        object([("host", string(owner.host)), ("pid", "\(owner.pid)"), ("kind", string(owner.kind.rawValue))])
    }

    /// A conflict report (a refused or timed-out claim's, for `wir claim --json`).
    public static func conflicts(_ conflicts: [Conflict]) -> String {
        "[" + conflicts.map { conflict in
            object([("requested", entry(conflict.requested)), ("held", entry(conflict.held)),
                    ("holder", object([("task_id", string(conflict.holderTaskID)), ("host", string(conflict.holderHost)),
                                       ("pid", "\(conflict.holderPID)"),
                                       ("waiting", conflict.holderIsWaiting ? "true" : "false"),
                                       ("while_alive", conflict.holderWhileAlive ? "true" : "false"),
                                       ("expires_ms", "\(conflict.holderExpiresMs)")]))])
        }.joined(separator: ",") + "]"
    }

    public static func entries(_ entries: [PathEntry]) -> String {
        "[" + entries.map(entry).joined(separator: ",") + "]"
    }

    static func entry(_ entry: PathEntry) -> String {
        object([("path", string(entry.text)), ("access", string(entry.access.rawValue)),
                ("glob", entry.isGlob ? "true" : "false")])
    }

    public static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    public static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
