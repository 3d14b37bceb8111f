import CSQLite
import WirEngine
import WirStorage

/// The store's queries, run on a connection inside a transaction that
/// `SQLiteStore` opened. Every statement binds its values; none is built from them.
struct SQLiteTransaction: StoreTransaction {
    let connection: SQLiteConnection

    // Statements are SQL literals (the connection caches them by address).
    // Queries of claims select, in the order `StoreRowDecoding.claim` reads them:
    // task_id, secret, token, host, pid, start_time, boot_id, created_ms, expires_ms, ttl_ms, label,
    // owners, parent_task_id, expires_boot_ms, lease_boot_id, allow_writes.

    func claim(taskID: String) throws -> ClaimRecord? {
        let query = try connection.statement("""
            SELECT task_id, secret, token, host, pid, start_time, boot_id, created_ms, expires_ms, ttl_ms, label,
                   owners, parent_task_id, expires_boot_ms, lease_boot_id, allow_writes
            FROM claims WHERE task_id = ?1
            """)
        return try query.bind(.text(taskID)).first(StoreRowDecoding.claim)
    }

    func entries(taskID: String) throws -> [PathEntry] {
        let query = try connection.statement("SELECT entries FROM claims WHERE task_id = ?1")
        return try EntryList.decode(try query.bind(.text(taskID)).first { $0.text(0) } ?? "")
    }

    func holdings(overlappingAny bases: [CanonicalPath]) throws -> [Holding] {
        var found = Set<Holding>()
        // Entries based at a base or an ancestor of one (prefixes of its bytes
        // ending before a slash, and "/"): one primary-key lookup per distinct prefix.
        let exact = try connection.statement("SELECT entry, task_id FROM claim_entries WHERE path = ?1")
        for prefix in CanonicalPath.selfAndAncestors(ofAll: bases) {
            exact.reset()
            found.formUnion(try exact.bind(.text(prefix.value)).rows(StoreRowDecoding.holding))
        }
        // Entries based beneath one: a range scan of the primary key per base, both bounds exclusive.
        let below = try connection.statement("SELECT entry, task_id FROM claim_entries WHERE path > ?1 AND path < ?2")
        for base in bases.count == 1 ? bases : Array(Set(bases)) {
            let range = base.descendantRange
            below.reset()
            found.formUnion(try below.bind(.text(range.lower), .text(range.upper)).rows(StoreRowDecoding.holding))
        }
        return found.sorted()
    }

    func expiredClaims(atOrBefore nowMs: Int64, limit: Int) throws -> [ClaimRecord] {
        let query = try connection.statement("""
            SELECT task_id, secret, token, host, pid, start_time, boot_id, created_ms, expires_ms, ttl_ms, label,
                   owners, parent_task_id, expires_boot_ms, lease_boot_id, allow_writes
            FROM claims WHERE expires_ms <= ?1 ORDER BY expires_ms, task_id LIMIT ?2
            """)
        return try query.bind(.integer(nowMs), .integer(Int64(limit))).rows(StoreRowDecoding.claim)
    }

    func children(of taskID: String) throws -> [ClaimRecord] {
        let query = try connection.statement("""
            SELECT task_id, secret, token, host, pid, start_time, boot_id, created_ms, expires_ms, ttl_ms, label,
                   owners, parent_task_id, expires_boot_ms, lease_boot_id, allow_writes
            FROM claims WHERE parent_task_id = ?1 AND parent_task_id != '' ORDER BY task_id
            """)
        return try query.bind(.text(taskID)).rows(StoreRowDecoding.claim)
    }

    func allClaims() throws -> [ClaimRecord] {
        try connection.statement("""
            SELECT task_id, secret, token, host, pid, start_time, boot_id, created_ms, expires_ms, ttl_ms, label,
                   owners, parent_task_id, expires_boot_ms, lease_boot_id, allow_writes
            FROM claims ORDER BY task_id
            """).rows(StoreRowDecoding.claim)
    }

    // RETURNING is avoided on hot paths: it runs through a temporary table,
    // and measured (callgrind) at twice the instructions of UPDATE then SELECT.
    // The counter only moves from a whole number below the largest one: at
    // INT64_MAX, `value + 1` would become a REAL that reads back as INT64_MAX
    // (the same token twice), and text would count as 0 (tokens from 1 again).
    // Either is damage (`TokenCounter`); `changes()` says whether it moved.
    func issueToken() throws -> Int64 {
        try connection.statement("""
            UPDATE counters SET value = value + 1
            WHERE name = 'token' AND typeof(value) = 'integer' AND value < 9223372036854775807
            """).run()
        let query = try connection.statement(
            "SELECT value, typeof(value), changes() FROM counters WHERE name = 'token'")
        let row = try query.first { ($0.int64(0), $0.text(0), $0.text(1), $0.int64(2)) }
        guard let (value, text, type, moved) = row, moved == 1 else {
            throw TokenCounter.damaged(registry: connection.path,
                                       holding: row.map { $0.2 == "integer" ? $0.1 : "\($0.1) (\($0.2))" })
        }
        return value
    }

    func insert(_ claim: ClaimRecord, entries: [PathEntry]) throws {
        let row = try connection.statement("""
            INSERT INTO claims(task_id, secret, token, host, pid, start_time, boot_id, created_ms, expires_ms,
                               ttl_ms, label, entries, owners, parent_task_id, expires_boot_ms, lease_boot_id, allow_writes)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
            """)
        try row.bind(.text(claim.taskID), .text(claim.key), .integer(claim.token),
                     .text(claim.owner.host), .integer(Int64(claim.owner.pid)),
                     .integer(Int64(bitPattern: claim.owner.startTime)), .text(claim.owner.bootID),
                     .integer(claim.createdMs), .integer(claim.expiresMs), .integer(claim.ttlMs),
                     .text(claim.label), .text(EntryList.encode(entries)), .text(OwnerList.encode(claim.owners)),
                     .text(claim.parentTaskID), .integer(claim.expiresBootMs), .text(claim.leaseBootID),
                     .text(PathList.encode(claim.allowWrites)))
        try row.run()
        try insertRows(entries, taskID: claim.taskID)
    }

    func rewriteEntries(_ entries: [PathEntry], adding: [PathEntry], removing: [PathEntry], taskID: String) throws {
        let row = try connection.statement("UPDATE claims SET entries = ?2 WHERE task_id = ?1")
        try row.bind(.text(taskID), .text(EntryList.encode(entries)))
        try row.run()
        try insertRows(adding, taskID: taskID)
        try deleteRows(removing, taskID: taskID)
    }

    private func insertRows(_ entries: [PathEntry], taskID: String) throws {
        try forEachRow(entries, taskID: taskID,
                       "INSERT OR IGNORE INTO claim_entries(path, task_id, entry) VALUES (?1, ?2, ?3)")
    }

    private func deleteRows(_ entries: [PathEntry], taskID: String) throws {
        try forEachRow(entries, taskID: taskID,
                       "DELETE FROM claim_entries WHERE path = ?1 AND task_id = ?2 AND entry = ?3")
    }

    /// Runs `sql` once per index row of each entry, bound to its claim_entries
    /// key (base, task id, entry): one row per distinct base among its names.
    private func forEachRow(_ entries: [PathEntry], taskID: String, _ sql: StaticString) throws {
        let row = try connection.statement(sql)
        for entry in entries {
            let encoded = entry.encoded
            for base in entry.indexBases {
                row.reset()
                try row.bind(.text(base.value), .text(taskID), .text(encoded))
                try row.run()
            }
        }
    }

    func update(_ claim: ClaimRecord) throws {
        let row = try connection.statement("""
            UPDATE claims SET token = ?2, expires_ms = ?3, ttl_ms = ?4, host = ?5, pid = ?6, start_time = ?7,
                              boot_id = ?8, owners = ?9, expires_boot_ms = ?10, lease_boot_id = ?11,
                              allow_writes = ?12
            WHERE task_id = ?1
            """)
        try row.bind(.text(claim.taskID), .integer(claim.token), .integer(claim.expiresMs), .integer(claim.ttlMs),
                     .text(claim.owner.host), .integer(Int64(claim.owner.pid)),
                     .integer(Int64(bitPattern: claim.owner.startTime)), .text(claim.owner.bootID),
                     .text(OwnerList.encode(claim.owners)), .integer(claim.expiresBootMs), .text(claim.leaseBootID),
                     .text(PathList.encode(claim.allowWrites)))
        try row.run()
    }

    func delete(taskID: String) throws -> [PathEntry] {
        let entries = try self.entries(taskID: taskID)
        try deleteRows(entries, taskID: taskID)
        let row = try connection.statement("DELETE FROM claims WHERE task_id = ?1")
        try row.bind(.text(taskID))
        try row.run()
        return entries
    }

    func waiters() throws -> [Waiter] {
        let query = try connection.statement("""
            SELECT ticket, task_id, host, pid, start_time, boot_id, entries, enqueued_ms, expires_ms, parent_task_id,
                   pid_ns, terms
            FROM waiters ORDER BY ticket
            """)
        return try query.rows(StoreRowDecoding.waiter)
    }

    func enqueue(_ waiter: Waiter) throws -> Int64 {
        let row = try connection.statement("""
            INSERT INTO waiters(task_id, host, pid, start_time, boot_id, entries, enqueued_ms, expires_ms, parent_task_id,
                                pid_ns, terms)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
            """)
        try row.bind(.text(waiter.taskID), .text(waiter.owner.host), .integer(Int64(waiter.owner.pid)),
                     .integer(Int64(bitPattern: waiter.owner.startTime)), .text(waiter.owner.bootID),
                     .text(EntryList.encode(waiter.entries)), .integer(waiter.enqueuedMs), .integer(waiter.expiresMs),
                     .text(waiter.parentTaskID), .text(waiter.owner.pidNamespace),
                     .text(WaiterTermsText.encode(waiter.terms, deadlineMs: waiter.deadlineMs)))
        try row.run()
        return sqlite3_last_insert_rowid(connection.db)     // the ticket (INTEGER PRIMARY KEY)
    }

    func renew(ticket: Int64, expiresMs: Int64) throws -> Bool {
        let row = try connection.statement("UPDATE waiters SET expires_ms = ?2 WHERE ticket = ?1")
        try row.bind(.integer(ticket), .integer(expiresMs)).run()
        return sqlite3_changes(connection.db) > 0
    }

    func dequeue(ticket: Int64) throws {
        let row = try connection.statement("DELETE FROM waiters WHERE ticket = ?1")
        try row.bind(.integer(ticket))
        try row.run()
    }

    func record(_ entry: HistoryEntry) throws {
        let row = try connection.statement("""
            INSERT INTO history(task_id, token, host, pid, entries, created_ms, ended_ms, reason, label, forced_by)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
            """)
        let claim = entry.claim
        try row.bind(.text(claim.taskID), .integer(claim.token), .text(claim.owner.host),
                     .integer(Int64(claim.owner.pid)), .text(EntryList.encode(entry.entries)),
                     .integer(claim.createdMs), .integer(entry.endedMs), .text(entry.reason.rawValue),
                     .text(claim.label), .text(entry.forcedBy))
        try row.run()
    }

    func log(_ entry: ConflictLogEntry, ticket: Int64?) throws {
        let row = try connection.statement("""
            INSERT INTO conflicts(at_ms, task_id, holder_task_id, requested_path, held_path, holder_host,
                                  holder_pid, policy, outcome, waited_ms, requested_access, held_access, ticket,
                                  count, last_ms)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
            """)
        let conflict = entry.conflict
        try row.bind(.integer(entry.atMs), .text(entry.taskID), .text(conflict.holderTaskID),
                     .text(conflict.requested.text), .text(conflict.held.text),
                     .text(conflict.holderHost), .integer(Int64(conflict.holderPID)),
                     .text(entry.policy.rawValue), .text(entry.outcome.rawValue), .integer(entry.waitedMs),
                     .text(conflict.requested.access.rawValue), .text(conflict.held.access.rawValue),
                     ticket.map { .integer($0) } ?? .null, .integer(entry.count), .integer(entry.lastMs))
        try row.run()
    }

    func countRepeat(of entry: ConflictLogEntry) throws -> Bool {
        let row = try connection.statement("""
            UPDATE conflicts SET count = count + 1, last_ms = ?8, holder_host = ?9, holder_pid = ?10
            WHERE id = (SELECT id FROM conflicts
                        WHERE task_id = ?1 AND holder_task_id = ?2 AND ticket IS NULL AND outcome = ?3
                          AND requested_path = ?4 AND held_path = ?5 AND requested_access = ?6 AND held_access = ?7
                        ORDER BY id DESC LIMIT 1)
            """)
        let conflict = entry.conflict
        try row.bind(.text(entry.taskID), .text(conflict.holderTaskID), .text(entry.outcome.rawValue),
                     .text(conflict.requested.text), .text(conflict.held.text),
                     .text(conflict.requested.access.rawValue), .text(conflict.held.access.rawValue),
                     .integer(entry.atMs), .text(conflict.holderHost), .integer(Int64(conflict.holderPID)))
        try row.run()
        return sqlite3_changes(connection.db) > 0
    }

    func resolveLog(ticket: Int64, outcome: ConflictOutcome, waitedMs: Int64) throws {
        let row = try connection.statement("""
            UPDATE conflicts SET outcome = ?2, waited_ms = ?3, last_ms = at_ms + ?3, ticket = NULL WHERE ticket = ?1
            """)
        try row.bind(.integer(ticket), .text(outcome.rawValue), .integer(waitedMs))
        try row.run()
    }

    func conflictLog(sinceMs: Int64, limit: Int, outcomes: Set<ConflictOutcome>) throws -> [ConflictLogEntry] {
        // ?3 lists the outcomes wanted as ",a,b," ('' for all): one bound value, any number of them.
        let query = try connection.statement("""
            SELECT at_ms, task_id, holder_task_id, requested_path, held_path, holder_host, holder_pid,
                   policy, outcome, waited_ms, requested_access, held_access, count, last_ms
            FROM conflicts WHERE last_ms >= ?1 AND (?3 = '' OR instr(?3, ',' || outcome || ',') > 0)
            ORDER BY last_ms, id LIMIT ?2
            """)
        let wanted = outcomes.isEmpty ? "" : "," + outcomes.map(\.rawValue).sorted().joined(separator: ",") + ","
        return try query.bind(.integer(sinceMs), .integer(Int64(limit)), .text(wanted)).rows(StoreRowDecoding.conflict)
    }

    func history(sinceMs: Int64, limit: Int) throws -> [HistoryEntry] {
        let query = try connection.statement("""
            SELECT task_id, token, host, pid, entries, created_ms, ended_ms, reason, label, forced_by
            FROM history WHERE ended_ms >= ?1 ORDER BY id LIMIT ?2
            """)
        return try query.bind(.integer(sinceMs), .integer(Int64(limit))).rows(StoreRowDecoding.history)
    }

    func prune(logBeforeMs: Int64?, historyBeforeMs: Int64?) throws -> Int {
        var removed = 0
        for (sql, before): (StaticString, Int64?) in [
            ("DELETE FROM conflicts WHERE last_ms < ?1 AND ticket IS NULL", logBeforeMs),
            ("DELETE FROM history WHERE ended_ms < ?1", historyBeforeMs),
        ] {
            guard let before else { continue }
            let row = try connection.statement(sql)
            try row.bind(.integer(before))
            try row.run()
            removed += Int(sqlite3_changes(connection.db))
        }
        return removed
    }

    /// Read once, then kept while no other connection commits (`SQLiteSinceCommit`).
    func settings() throws -> RegistrySettings {
        if let kept = connection.sinceCommit.settings { return kept }
        let rows = try connection.statement("SELECT name, value FROM settings").rows { ($0.text(0), $0.text(1)) }
        let settings = RegistrySettings(stored: rows)
        connection.sinceCommit.settings = settings
        return settings
    }

    func save(_ settings: RegistrySettings) throws {
        connection.sinceCommit.forget()
        let row = try connection.statement("INSERT OR REPLACE INTO settings(name, value) VALUES (?1, ?2)")
        for (name, value) in settings.stored {
            row.reset()
            try row.bind(.text(name), .text(value))
            try row.run()
        }
    }
}
