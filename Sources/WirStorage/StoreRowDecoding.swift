import WirEngine

/// The values both stores read back from their common queries. Each query
/// selects its columns in the order written beside the decoder, so one
/// decoding serves SQLite and PostgreSQL alike.
public enum StoreRowDecoding {
    /// task_id, secret, token, host, pid, start_time, boot_id, created_ms, expires_ms, ttl_ms, label,
    /// owners, parent_task_id, expires_boot_ms, lease_boot_id, allow_writes
    public static func claim(_ row: some StoreRow) -> ClaimRecord {
        let first = Owner(host: row.text(3), pid: Int32(truncatingIfNeeded: row.int64(4)),
                          startTime: UInt64(bitPattern: row.int64(5)), bootID: row.text(6))
        var claim = ClaimRecord(taskID: row.text(0), key: row.text(1), token: row.int64(2), owner: first,
                                owners: OwnerList.decode(row.text(11)), createdMs: row.int64(7),
                                expiresMs: row.int64(8), ttlMs: row.int64(9), label: row.text(10),
                                parentTaskID: row.text(12), allowWrites: PathList.decode(row.text(15)))
        claim.expiresBootMs = row.int64(13)
        claim.leaseBootID = row.text(14)
        return claim
    }

    /// entry, task_id. Rows are written by the store from valid entries.
    public static func holding(_ row: some StoreRow) -> Holding {
        Holding(entry: (try? PathEntry(encoded: row.text(0))) ?? PathEntry(.write, CanonicalPath(canonical: "/")),
                taskID: row.text(1))
    }

    /// ticket, task_id, host, pid, start_time, boot_id, entries, enqueued_ms, expires_ms, parent_task_id, pid_ns,
    /// terms (`WaiterTermsText`: none in a row written before they were kept).
    public static func waiter(_ row: some StoreRow) throws -> Waiter {
        let (terms, deadline) = WaiterTermsText.decode(row.text(11))
        return Waiter(ticket: row.int64(0), taskID: row.text(1),
                      owner: Owner(host: row.text(2), pid: Int32(truncatingIfNeeded: row.int64(3)),
                                   startTime: UInt64(bitPattern: row.int64(4)), bootID: row.text(5),
                                   pidNamespace: row.text(10)),
                      entries: try EntryList.decode(row.text(6)), enqueuedMs: row.int64(7), expiresMs: row.int64(8),
                      parentTaskID: row.text(9), deadlineMs: deadline, terms: terms)
    }

    /// task_id, token, host, pid, entries, created_ms, ended_ms, reason, label, forced_by
    public static func history(_ row: some StoreRow) -> HistoryEntry {
        let claim = ClaimRecord(taskID: row.text(0), key: "", token: row.int64(1),
                                owner: Owner(host: row.text(2), pid: Int32(truncatingIfNeeded: row.int64(3)),
                                             startTime: 0, bootID: ""),
                                createdMs: row.int64(5), expiresMs: 0, ttlMs: 0, label: row.text(8))
        return HistoryEntry(claim: claim, entries: (try? EntryList.decode(row.text(4))) ?? [],
                            endedMs: row.int64(6), reason: EndReason(rawValue: row.text(7)) ?? .forced,
                            forcedBy: row.text(9))
    }

    /// at_ms, task_id, holder_task_id, requested_path, held_path, holder_host, holder_pid,
    /// policy, outcome, waited_ms, requested_access, held_access, count, last_ms
    public static func conflict(_ row: some StoreRow) -> ConflictLogEntry {
        let requested = PathEntry.shown(row.text(3), access: Access(rawValue: row.text(10)) ?? .write)
        let held = PathEntry.shown(row.text(4), access: Access(rawValue: row.text(11)) ?? .write)
        let conflict = Conflict(requested: requested, held: held, holderTaskID: row.text(2),
                                holderHost: row.text(5), holderPID: Int32(truncatingIfNeeded: row.int64(6)),
                                holderExpiresMs: 0, holderIsWaiting: false)
        return ConflictLogEntry(atMs: row.int64(0), taskID: row.text(1), conflict: conflict,
                                policy: Policy(rawValue: row.text(7)) ?? .refuse, outcome: ConflictOutcome(rawValue: row.text(8)) ?? .refused,
                                waitedMs: row.int64(9), count: row.int64(12), lastMs: row.int64(13))
    }
}
