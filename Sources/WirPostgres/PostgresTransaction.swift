import WirEngine
import WirStorage

/// The store's queries, run on a connection inside a transaction that
/// `PostgresStore` opened. Every value is a bound parameter (lists go as one
/// array parameter, `PostgresArray`); every statement text is a constant.
///
/// Statements go through the transaction's `PostgresBatch`: writes are held
/// back until the next read or COMMIT, and the reads the engine named ahead
/// (`ExpectedRead`) are answered from what was fetched with BEGIN, until a
/// write of this transaction touches what they read (`forgetClaims`).
struct PostgresTransaction: StoreTransaction {
    let connection: PostgresConnection
    let batch: PostgresBatch
    /// The server's clock when the transaction took its lock (nil: not used).
    let serverNowMs: Int64?

    func clockMs() throws -> Int64? { serverNowMs }

    /// A statement whose answer is needed (sent now, after the writes held back).
    private func read(_ sql: String, _ parameters: [String?] = []) throws -> PostgresRows {
        try batch.read(PostgresStatement(sql, parameters))
    }

    /// A statement whose answer nothing needs (held back while pipelining).
    private func write(_ sql: String, _ parameters: [String?] = []) throws {
        try batch.write(PostgresStatement(sql, parameters))
    }

    /// An expected read: from what was fetched with BEGIN while still valid, else sent now.
    private func fetch(_ expected: ExpectedRead) throws -> PostgresRows {
        try batch.answer(expected) ?? batch.read(Self.statement(for: expected))
    }

    /// The statement that answers an expected read (`PostgresBatch` sends it with BEGIN).
    static func statement(for expected: ExpectedRead) -> PostgresStatement {
        switch expected {
        case .claim(let taskID): return PostgresStatement(claimSQL, [taskID])
        case .entries(let taskID): return PostgresStatement(entriesSQL, [taskID])
        case .children(let taskID): return PostgresStatement(childrenSQL, [taskID])
        case .holdings(let bases): return PostgresStatement(holdingsSQL, holdingsParameters(bases))
        case .expiredClaims(let limit): return PostgresStatement(soonestSQL, [String(limit)])
        case .waiters: return PostgresStatement(waitersSQL)
        case .token: return PostgresStatement(tokenSQL)
        }
    }

    /// Forgets the answers fetched ahead that a write to the row of claim
    /// `taskID` (a child of `parent`, when known) or to its entries may change:
    /// every answer about claims and entries, except the children of another
    /// claim than `parent` whose answer does not hold that row.
    private func forgetClaims(writing taskID: String, parent: String?) {
        batch.forget { read, rows in
            switch read {
            case .children(let of):
                return of == parent || rows.values.contains { $0.first == taskID }
            case .claim, .entries, .holdings, .expiredClaims: return true
            case .waiters, .token: return false
            }
        }
    }

    private func forgetWaiters() { batch.forget { read, _ in read == .waiters } }

    /// The server's current time in ms since the epoch.
    static let serverClockSQL = "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint"

    private static let claimColumns =
        "task_id, secret, token, host, pid, start_time, boot_id, created_ms, expires_ms, ttl_ms, label, owners, parent_task_id, "
        + "expires_boot_ms, lease_boot_id, allow_writes"

    func claim(taskID: String) throws -> ClaimRecord? {
        try fetch(.claim(taskID: taskID)).first.map(StoreRowDecoding.claim)
    }

    func entries(taskID: String) throws -> [PathEntry] {
        try EntryList.decode(fetch(.entries(taskID: taskID)).first?.text(0) ?? "")
    }

    /// Entries based at a base or an ancestor of one (primary-key lookups for
    /// the distinct prefixes), and entries based beneath one (a range scan of
    /// the key per base): one round trip for all of a claim's bases.
    func holdings(overlappingAny bases: [CanonicalPath]) throws -> [Holding] {
        Set(try fetch(.holdings(bases)).rows.map(StoreRowDecoding.holding)).sorted()
    }

    private static func holdingsParameters(_ bases: [CanonicalPath]) -> [String?] {
        let prefixes = CanonicalPath.selfAndAncestors(ofAll: bases).map(\.value)
        let ranges = Set(bases).map(\.descendantRange)
        return [PostgresArray.text(prefixes), PostgresArray.text(ranges.map(\.lower)),
                PostgresArray.text(ranges.map(\.upper))]
    }

    /// $1: the prefixes to look up; $2 and $3: the lower and upper (exclusive) bounds of the ranges.
    static let holdingsSQL = """
        SELECT entry, task_id FROM claim_entries WHERE path = ANY($1::text[])
        UNION ALL
        SELECT e.entry, e.task_id FROM unnest($2::text[], $3::text[]) AS r(lower, upper)
        JOIN claim_entries e ON e.path > r.lower AND e.path < r.upper
        """

    static let expiredSQL = "SELECT \(Self.claimColumns) FROM claims WHERE expires_ms <= $1 ORDER BY expires_ms, task_id LIMIT $2"

    /// The first `$1` claims in expiry order, whatever the time: fetched with BEGIN,
    /// before the engine knows its time. Those that lapsed at or before a time are
    /// a prefix of that order, so the first `limit` of them are in it too.
    static let soonestSQL = "SELECT \(Self.claimColumns) FROM claims ORDER BY expires_ms, task_id LIMIT $1"

    func expiredClaims(atOrBefore nowMs: Int64, limit: Int) throws -> [ClaimRecord] {
        if let soonest = batch.answer(.expiredClaims(limit: limit)) {
            return soonest.rows.map(StoreRowDecoding.claim).filter { $0.expiresMs <= nowMs }
        }
        return try read(Self.expiredSQL, [String(nowMs), String(limit)]).rows.map(StoreRowDecoding.claim)
    }

    static let claimSQL = "SELECT \(Self.claimColumns) FROM claims WHERE task_id = $1"
    static let entriesSQL = "SELECT entries FROM claims WHERE task_id = $1"
    static let childrenSQL = "SELECT \(Self.claimColumns) FROM claims WHERE parent_task_id = $1 AND parent_task_id <> '' "
        + "ORDER BY task_id"
    static let waitersSQL = """
        SELECT ticket, task_id, host, pid, start_time, boot_id, entries, enqueued_ms, expires_ms, parent_task_id,
               pid_ns, terms
        FROM waiters ORDER BY ticket
        """

    func children(of taskID: String) throws -> [ClaimRecord] {
        try fetch(.children(of: taskID)).rows.map(StoreRowDecoding.claim)
    }

    func allClaims() throws -> [ClaimRecord] {
        try read("SELECT \(Self.claimColumns) FROM claims ORDER BY task_id").rows.map(StoreRowDecoding.claim)
    }

    /// The counter moves only from below INT64_MAX (`value + 1` would fail
    /// there), and what it returns must read back as a whole number (a column
    /// changed to another type could hold 1.5): anything else is damage
    /// (`TokenCounter`), never a token reused.
    ///
    /// With the counter fetched with BEGIN (`ExpectedRead.token`) and in range,
    /// the next token is worked out here and the counter's move is held back;
    /// that move fails the transaction (division by zero) unless it finds the
    /// counter where it was read, which the registry's lock ensures.
    func issueToken() throws -> Int64 {
        if let read = batch.answer(.token)?.first, let value = Int64(read.text(0)), value < Int64.max {
            batch.forget { expected, _ in expected == .token }
            try write(Self.moveTokenSQL, [String(value), String(value + 1)])
            return value + 1
        }
        let moved = try read("""
            UPDATE counters SET value = value + 1 WHERE name = 'token' AND value < 9223372036854775807
            RETURNING value::text
            """).first
        if let moved, let token = Int64(moved.text(0)) { return token }
        let holding = try moved.map { $0.text(0) }
            ?? read("SELECT value::text FROM counters WHERE name = 'token'").first.map { $0.text(0) }
        throw TokenCounter.damaged(registry: connection.location.redacted, holding: holding)
    }

    static let tokenSQL = "SELECT value::text FROM counters WHERE name = 'token'"
    static let moveTokenSQL = """
        WITH moved AS (UPDATE counters SET value = $2 WHERE name = 'token' AND value = $1 RETURNING 1)
        SELECT 1 / count(*) FROM moved
        """

    func insert(_ claim: ClaimRecord, entries: [PathEntry]) throws {
        forgetClaims(writing: claim.taskID, parent: claim.parentTaskID)
        // The claim's row and its entry rows in one statement (no constraint ties the two tables).
        let rows = Self.rowParameters(entries, claim.taskID)
        try write("""
            WITH entry_rows AS (INSERT INTO claim_entries(path, task_id, entry)
                                SELECT path, $1, entry FROM unnest($18::text[], $19::text[]) AS e(path, entry)
                                ON CONFLICT DO NOTHING)
            INSERT INTO claims(\(Self.claimColumns), entries)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
            """, [claim.taskID, claim.key, String(claim.token), claim.owner.host, String(claim.owner.pid),
                  String(Int64(bitPattern: claim.owner.startTime)), claim.owner.bootID, String(claim.createdMs),
                  String(claim.expiresMs), String(claim.ttlMs), claim.label, OwnerList.encode(claim.owners),
                  claim.parentTaskID, String(claim.expiresBootMs), claim.leaseBootID,
                  PathList.encode(claim.allowWrites), EntryList.encode(entries), rows[0], rows[2]])
    }

    func rewriteEntries(_ entries: [PathEntry], adding: [PathEntry], removing: [PathEntry], taskID: String) throws {
        forgetClaims(writing: taskID, parent: nil)
        try write("UPDATE claims SET entries = $2 WHERE task_id = $1", [taskID, EntryList.encode(entries)])
        if !adding.isEmpty { try insertRows(adding, taskID: taskID) }
        if !removing.isEmpty { try deleteRows(removing, taskID: taskID) }
    }

    /// All of a claim's rows in one statement.
    private func insertRows(_ entries: [PathEntry], taskID: String) throws {
        try write("""
            INSERT INTO claim_entries(path, task_id, entry)
            SELECT path, $2, entry FROM unnest($1::text[], $3::text[]) AS e(path, entry)
            ON CONFLICT DO NOTHING
            """, Self.rowParameters(entries, taskID))
    }

    private func deleteRows(_ entries: [PathEntry], taskID: String) throws {
        try write("""
            DELETE FROM claim_entries c USING unnest($1::text[], $3::text[]) AS e(path, entry)
            WHERE c.path = e.path AND c.task_id = $2 AND c.entry = e.entry
            """, Self.rowParameters(entries, taskID))
    }

    /// The claim_entries rows of `entries` as parameters ($1 bases, $2 the task, $3 entries):
    /// one row per distinct base among each entry's names.
    private static func rowParameters(_ entries: [PathEntry], _ taskID: String) -> [String?] {
        let rows = entries.flatMap { entry in entry.indexBases.map { ($0.value, entry.encoded) } }
        return [PostgresArray.text(rows.map(\.0)), taskID, PostgresArray.text(rows.map(\.1))]
    }

    func update(_ claim: ClaimRecord) throws {
        forgetClaims(writing: claim.taskID, parent: claim.parentTaskID)
        try write("""
            UPDATE claims SET token = $2, expires_ms = $3, ttl_ms = $4, host = $5, pid = $6, start_time = $7,
                              boot_id = $8, owners = $9, expires_boot_ms = $10, lease_boot_id = $11,
                              allow_writes = $12
            WHERE task_id = $1
            """, [claim.taskID, String(claim.token), String(claim.expiresMs), String(claim.ttlMs), claim.owner.host,
                  String(claim.owner.pid), String(Int64(bitPattern: claim.owner.startTime)), claim.owner.bootID,
                  OwnerList.encode(claim.owners), String(claim.expiresBootMs), claim.leaseBootID,
                  PathList.encode(claim.allowWrites)])
    }

    func delete(taskID: String) throws -> [PathEntry] {
        let entries = try self.entries(taskID: taskID)
        forgetClaims(writing: taskID, parent: nil)
        // The entry rows and the claim's row in one statement.
        try write("""
            WITH entry_rows AS (DELETE FROM claim_entries c USING unnest($1::text[], $3::text[]) AS e(path, entry)
                                WHERE c.path = e.path AND c.task_id = $2 AND c.entry = e.entry)
            DELETE FROM claims WHERE task_id = $2
            """, Self.rowParameters(entries, taskID))
        return entries
    }

    func waiters() throws -> [Waiter] {
        try fetch(.waiters).rows.map(StoreRowDecoding.waiter)
    }

    func enqueue(_ waiter: Waiter) throws -> Int64 {
        forgetWaiters()
        guard let row = try read("""
            INSERT INTO waiters(task_id, host, pid, start_time, boot_id, entries, enqueued_ms, expires_ms, parent_task_id,
                                pid_ns, terms)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ticket
            """, [waiter.taskID, waiter.owner.host, String(waiter.owner.pid), String(Int64(bitPattern: waiter.owner.startTime)),
                  waiter.owner.bootID, EntryList.encode(waiter.entries), String(waiter.enqueuedMs),
                  String(waiter.expiresMs), waiter.parentTaskID, waiter.owner.pidNamespace,
                  WaiterTermsText.encode(waiter.terms, deadlineMs: waiter.deadlineMs)]).first else {
            throw WirError(.internalError, "registry '\(connection.location.redacted)': no ticket for a waiter")
        }
        return row.int64(0)
    }

    func renew(ticket: Int64, expiresMs: Int64) throws -> Bool {
        forgetWaiters()
        return try read("UPDATE waiters SET expires_ms = $2 WHERE ticket = $1", [String(ticket), String(expiresMs)])
            .affected > 0
    }

    func dequeue(ticket: Int64) throws {
        forgetWaiters()
        try write("DELETE FROM waiters WHERE ticket = $1", [String(ticket)])
    }

    func record(_ entry: HistoryEntry) throws {
        let claim = entry.claim
        try write("""
            INSERT INTO history(task_id, token, host, pid, entries, created_ms, ended_ms, reason, label, forced_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """, [claim.taskID, String(claim.token), claim.owner.host, String(claim.owner.pid),
                  EntryList.encode(entry.entries), String(claim.createdMs), String(entry.endedMs), entry.reason.rawValue,
                  claim.label, entry.forcedBy])
    }

    func log(_ entry: ConflictLogEntry, ticket: Int64?) throws {
        let conflict = entry.conflict
        try write("""
            INSERT INTO conflicts(at_ms, task_id, holder_task_id, requested_path, held_path, holder_host,
                                  holder_pid, policy, outcome, waited_ms, requested_access, held_access, ticket,
                                  count, last_ms)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            """, [String(entry.atMs), entry.taskID, conflict.holderTaskID, conflict.requested.text, conflict.held.text,
                  conflict.holderHost, String(conflict.holderPID), entry.policy.rawValue, entry.outcome.rawValue,
                  String(entry.waitedMs), conflict.requested.access.rawValue, conflict.held.access.rawValue,
                  ticket.map { String($0) }, String(entry.count), String(entry.lastMs)])
    }

    func countRepeat(of entry: ConflictLogEntry) throws -> Bool {
        let conflict = entry.conflict
        return try read("""
            UPDATE conflicts SET count = count + 1, last_ms = $8, holder_host = $9, holder_pid = $10
            WHERE id = (SELECT id FROM conflicts
                        WHERE task_id = $1 AND holder_task_id = $2 AND ticket IS NULL AND outcome = $3
                          AND requested_path = $4 AND held_path = $5 AND requested_access = $6 AND held_access = $7
                        ORDER BY id DESC LIMIT 1)
            """, [entry.taskID, conflict.holderTaskID, entry.outcome.rawValue, conflict.requested.text,
                  conflict.held.text, conflict.requested.access.rawValue, conflict.held.access.rawValue,
                  String(entry.atMs), conflict.holderHost, String(conflict.holderPID)]).affected > 0
    }

    func resolveLog(ticket: Int64, outcome: ConflictOutcome, waitedMs: Int64) throws {
        try write("""
            UPDATE conflicts SET outcome = $2, waited_ms = $3, last_ms = at_ms + $3, ticket = NULL WHERE ticket = $1
            """, [String(ticket), outcome.rawValue, String(waitedMs)])
    }

    func conflictLog(sinceMs: Int64, limit: Int, outcomes: Set<ConflictOutcome>) throws -> [ConflictLogEntry] {
        try read("""
            SELECT at_ms, task_id, holder_task_id, requested_path, held_path, holder_host, holder_pid,
                   policy, outcome, waited_ms, requested_access, held_access, count, last_ms
            FROM conflicts WHERE last_ms >= $1 AND (cardinality($3::text[]) = 0 OR outcome = ANY($3::text[]))
            ORDER BY last_ms, id LIMIT $2
            """, [String(sinceMs), String(limit), PostgresArray.text(outcomes.map(\.rawValue).sorted())])
            .rows.map(StoreRowDecoding.conflict)
    }

    func history(sinceMs: Int64, limit: Int) throws -> [HistoryEntry] {
        try read("""
            SELECT task_id, token, host, pid, entries, created_ms, ended_ms, reason, label, forced_by
            FROM history WHERE ended_ms >= $1 ORDER BY id LIMIT $2
            """, [String(sinceMs), String(limit)]).rows.map(StoreRowDecoding.history)
    }

    func prune(logBeforeMs: Int64?, historyBeforeMs: Int64?) throws -> Int {
        var removed = 0
        if let logBeforeMs {
            removed += try read("DELETE FROM conflicts WHERE last_ms < $1 AND ticket IS NULL",
                                            [String(logBeforeMs)]).affected
        }
        if let historyBeforeMs {
            removed += try read("DELETE FROM history WHERE ended_ms < $1", [String(historyBeforeMs)]).affected
        }
        return removed
    }

    func settings() throws -> RegistrySettings {
        let rows = try (batch.settings ?? read(Self.settingsSQL)).rows.map { ($0.text(0), $0.text(1)) }
        return RegistrySettings(stored: rows)
    }

    static let settingsSQL = "SELECT name, value FROM settings"

    func save(_ settings: RegistrySettings) throws {
        batch.forgetSettings()
        for (name, value) in settings.stored {
            try write("""
                INSERT INTO settings(name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value
                """, [name, value])
        }
    }
}
