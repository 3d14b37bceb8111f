import WirEngine

/// The store's queries, run on a connection inside a transaction that
/// `SQLiteStore` opened. Every statement binds its values; none is built from them.
struct SQLiteTransaction: StoreTransaction {
    let connection: SQLiteConnection

    private static let claimColumns =
        "task_id, secret, token, host, pid, start_time, boot_id, created_ms, expires_ms, ttl_ms"

    func claim(taskID: String) throws -> ClaimRecord? {
        let query = try connection.statement(
            "SELECT \(Self.claimColumns) FROM claims WHERE task_id = ?1")
        return try query.bind(.text(taskID)).first(Self.claimRecord)
    }

    func paths(taskID: String) throws -> [CanonicalPath] {
        let query = try connection.statement("SELECT paths FROM claims WHERE task_id = ?1")
        let joined = try query.bind(.text(taskID)).first { $0.text(0) } ?? ""
        return joined.split(separator: "\n").map { CanonicalPath(canonical: String($0)) }
    }

    func holdings(overlapping path: CanonicalPath) throws -> [PathHolding] {
        var found: [PathHolding] = []
        // The path and its ancestors (prefixes of its bytes ending before a
        // slash, and "/"): one primary-key lookup each.
        let exact = try connection.statement("SELECT path, task_id FROM claim_paths WHERE path = ?1")
        for length in path.selfAndAncestorLengths {
            exact.reset()
            try exact.bindPrefix(of: path.value, length: length)
            found += try exact.rows(Self.holding)
        }
        // Its descendants: one range scan of the primary key, both bounds exclusive.
        let range = path.descendantRange
        let below = try connection.statement(
            "SELECT path, task_id FROM claim_paths WHERE path > ?1 AND path < ?2")
        return found + (try below.bind(.text(range.lower), .text(range.upper)).rows(Self.holding))
    }

    func expiredClaims(atOrBefore nowMs: Int64, limit: Int) throws -> [ClaimRecord] {
        let query = try connection.statement(
            "SELECT \(Self.claimColumns) FROM claims WHERE expires_ms <= ?1 ORDER BY expires_ms LIMIT ?2")
        return try query.bind(.integer(nowMs), .integer(Int64(limit))).rows(Self.claimRecord)
    }

    func allClaims() throws -> [ClaimRecord] {
        try connection.statement("SELECT \(Self.claimColumns) FROM claims ORDER BY task_id").rows(Self.claimRecord)
    }

    func issueToken() throws -> Int64 {
        let query = try connection.statement(
            "UPDATE counters SET value = value + 1 WHERE name = 'token' RETURNING value")
        guard let token = try query.rows({ $0.int64(0) }).first else {
            throw WirError(.corrupt, "registry '\(connection.path)': the token counter is missing")
        }
        return token
    }

    func insert(_ claim: ClaimRecord, paths: [CanonicalPath]) throws {
        let row = try connection.statement("""
            INSERT INTO claims(\(Self.claimColumns), paths) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
            """)
        try row.bind(.text(claim.taskID), .text(claim.key), .integer(claim.token),
                     .text(claim.owner.host), .integer(Int64(claim.owner.pid)),
                     .integer(Int64(bitPattern: claim.owner.startTime)), .text(claim.owner.bootID),
                     .integer(claim.createdMs), .integer(claim.expiresMs), .integer(claim.ttlMs),
                     .text(Self.joined(paths.sorted())))
        try row.run()
        try insertRows(paths, taskID: claim.taskID)
    }

    func add(paths: [CanonicalPath], taskID: String) throws {
        let held = try self.paths(taskID: taskID)
        let new = Set(paths).subtracting(held)
        guard !new.isEmpty else { return }
        let row = try connection.statement("UPDATE claims SET paths = ?2 WHERE task_id = ?1")
        try row.bind(.text(taskID), .text(Self.joined((held + new).sorted())))
        try row.run()
        try insertRows(Array(new), taskID: taskID)
    }

    private func insertRows(_ paths: [CanonicalPath], taskID: String) throws {
        let row = try connection.statement("INSERT OR IGNORE INTO claim_paths(path, task_id) VALUES (?1, ?2)")
        for path in paths {
            row.reset()
            try row.bind(.text(path.value), .text(taskID))
            try row.run()
        }
    }

    /// Canonical paths hold no control characters (PathResolver refuses them),
    /// so a newline separates them unambiguously.
    private static func joined(_ paths: [CanonicalPath]) -> String {
        paths.map(\.value).joined(separator: "\n")
    }

    func update(_ claim: ClaimRecord) throws {
        let row = try connection.statement(
            "UPDATE claims SET token = ?2, expires_ms = ?3, ttl_ms = ?4 WHERE task_id = ?1")
        try row.bind(.text(claim.taskID), .integer(claim.token), .integer(claim.expiresMs), .integer(claim.ttlMs))
        try row.run()
    }

    func delete(taskID: String) throws {
        let pathRow = try connection.statement("DELETE FROM claim_paths WHERE path = ?1 AND task_id = ?2")
        for path in try paths(taskID: taskID) {
            pathRow.reset()
            try pathRow.bind(.text(path.value), .text(taskID))
            try pathRow.run()
        }
        let row = try connection.statement("DELETE FROM claims WHERE task_id = ?1")
        try row.bind(.text(taskID))
        try row.run()
    }

    func record(_ entry: HistoryEntry) throws {
        let row = try connection.statement("""
            INSERT INTO history(task_id, token, host, pid, paths, created_ms, ended_ms, reason)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """)
        let claim = entry.claim
        try row.bind(.text(claim.taskID), .integer(claim.token), .text(claim.owner.host),
                     .integer(Int64(claim.owner.pid)), .text(entry.paths.map(\.value).joined(separator: "\n")),
                     .integer(claim.createdMs), .integer(entry.endedMs), .text(entry.reason.rawValue))
        try row.run()
    }

    func log(_ entry: ConflictLogEntry) throws {
        let row = try connection.statement("""
            INSERT INTO conflicts(at_ms, task_id, holder_task_id, requested_path, held_path,
                                  holder_host, holder_pid, policy, outcome, waited_ms)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
            """)
        let conflict = entry.conflict
        try row.bind(.integer(entry.atMs), .text(entry.taskID), .text(conflict.holderTaskID),
                     .text(conflict.requestedPath.value), .text(conflict.heldPath.value),
                     .text(conflict.holderHost), .integer(Int64(conflict.holderPID)),
                     .text(entry.policy.rawValue), .text(entry.outcome), .integer(entry.waitedMs))
        try row.run()
    }

    private static func claimRecord(_ row: SQLiteStatement) -> ClaimRecord {
        ClaimRecord(taskID: row.text(0), key: row.text(1), token: row.int64(2),
                    owner: Owner(host: row.text(3), pid: Int32(truncatingIfNeeded: row.int64(4)),
                                 startTime: UInt64(bitPattern: row.int64(5)), bootID: row.text(6)),
                    createdMs: row.int64(7), expiresMs: row.int64(8), ttlMs: row.int64(9))
    }

    private static func holding(_ row: SQLiteStatement) -> PathHolding {
        PathHolding(path: CanonicalPath(canonical: row.text(0)), taskID: row.text(1))
    }
}
