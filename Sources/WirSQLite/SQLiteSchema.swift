#if canImport(Glibc)
import Glibc
#endif
import WirEngine
import WirHost

/// The registry's schema and its forward migrations.
///
/// `PRAGMA application_id` marks a file as a wir registry and
/// `PRAGMA user_version` holds its schema version. A file of another program,
/// or of a newer wir, is refused before anything in it is changed.
enum SQLiteSchema {
    /// "wir!" in ASCII.
    static let applicationID: Int64 = 0x7769_7221

    /// Migration `i` takes a registry from version `i` to `i + 1`.
    static let migrations: [String] = [
        """
        CREATE TABLE counters(
            name  TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO counters(name, value) VALUES ('token', 0);

        CREATE TABLE claims(
            task_id    TEXT PRIMARY KEY,
            secret     TEXT NOT NULL,
            token      INTEGER NOT NULL,
            host       TEXT NOT NULL,
            pid        INTEGER NOT NULL,
            start_time INTEGER NOT NULL,
            boot_id    TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            expires_ms INTEGER NOT NULL,
            ttl_ms     INTEGER NOT NULL,
            paths      TEXT NOT NULL          -- the claim's paths, sorted, joined by newlines (v2: entries)
        ) WITHOUT ROWID;
        CREATE INDEX claims_by_expiry ON claims(expires_ms);

        -- One row per held path, for overlap queries by index range. A claim's
        -- rows are found through claims.paths, so no index by task is kept.
        CREATE TABLE claim_paths(
            path    TEXT NOT NULL,
            task_id TEXT NOT NULL,
            PRIMARY KEY (path, task_id)
        ) WITHOUT ROWID;

        CREATE TABLE history(
            id         INTEGER PRIMARY KEY,
            task_id    TEXT NOT NULL,
            token      INTEGER NOT NULL,
            host       TEXT NOT NULL,
            pid        INTEGER NOT NULL,
            paths      TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            ended_ms   INTEGER NOT NULL,
            reason     TEXT NOT NULL
        );

        CREATE TABLE conflicts(
            id             INTEGER PRIMARY KEY,
            at_ms          INTEGER NOT NULL,
            task_id        TEXT NOT NULL,
            holder_task_id TEXT NOT NULL,
            requested_path TEXT NOT NULL,
            held_path      TEXT NOT NULL,
            holder_host    TEXT NOT NULL,
            holder_pid     INTEGER NOT NULL,
            policy         TEXT NOT NULL,
            outcome        TEXT NOT NULL,
            waited_ms      INTEGER NOT NULL
        );
        CREATE INDEX conflicts_by_time ON conflicts(at_ms);
        """,
        // Version 2: read intents and globs (entries instead of paths), the
        // queue, registry settings, and conflict-log rows tied to a queued request.
        """
        CREATE TABLE claim_entries(
            path    TEXT NOT NULL,      -- the entry's base: the path, or a glob's literal directory
            task_id TEXT NOT NULL,
            entry   TEXT NOT NULL,      -- "w " / "r ", then "g " for a glob, then the path or pattern
            PRIMARY KEY (path, task_id, entry)
        ) WITHOUT ROWID;
        INSERT INTO claim_entries(path, task_id, entry) SELECT path, task_id, 'w ' || path FROM claim_paths;
        DROP TABLE claim_paths;

        ALTER TABLE claims RENAME COLUMN paths TO entries;
        UPDATE claims SET entries = 'w ' || replace(entries, char(10), char(10) || 'w ');
        ALTER TABLE history RENAME COLUMN paths TO entries;
        UPDATE history SET entries = 'w ' || replace(entries, char(10), char(10) || 'w ') WHERE entries <> '';

        ALTER TABLE conflicts ADD COLUMN requested_access TEXT NOT NULL DEFAULT 'write';
        ALTER TABLE conflicts ADD COLUMN held_access TEXT NOT NULL DEFAULT 'write';
        ALTER TABLE conflicts ADD COLUMN ticket INTEGER;
        CREATE INDEX conflicts_by_ticket ON conflicts(ticket) WHERE ticket IS NOT NULL;

        CREATE TABLE waiters(
            ticket      INTEGER PRIMARY KEY AUTOINCREMENT,
            task_id     TEXT NOT NULL,
            host        TEXT NOT NULL,
            pid         INTEGER NOT NULL,
            start_time  INTEGER NOT NULL,
            boot_id     TEXT NOT NULL,
            entries     TEXT NOT NULL,
            enqueued_ms INTEGER NOT NULL,
            expires_ms  INTEGER NOT NULL
        );

        CREATE TABLE settings(
            name  TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID;
        """,
        // Version 3: a free-text label per claim, kept in the history too.
        """
        ALTER TABLE claims ADD COLUMN label TEXT NOT NULL DEFAULT '';
        ALTER TABLE history ADD COLUMN label TEXT NOT NULL DEFAULT '';
        """,
        // Version 4: who forced a forced release.
        """
        ALTER TABLE history ADD COLUMN forced_by TEXT NOT NULL DEFAULT '';
        """,
        // Version 5: every owner of a claim (processes and groups), and sub-claims.
        """
        ALTER TABLE claims ADD COLUMN owners TEXT NOT NULL DEFAULT '';        -- OwnerList; '': the first owner only
        ALTER TABLE claims ADD COLUMN parent_task_id TEXT NOT NULL DEFAULT '';
        CREATE INDEX claims_by_parent ON claims(parent_task_id) WHERE parent_task_id != '';
        ALTER TABLE waiters ADD COLUMN parent_task_id TEXT NOT NULL DEFAULT '';
        """,
        // Version 6: a refusal repeated by its task is one conflict-log row with a count and
        // a last time; the log is listed and pruned by the last time.
        """
        ALTER TABLE conflicts ADD COLUMN count INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE conflicts ADD COLUMN last_ms INTEGER NOT NULL DEFAULT 0;
        UPDATE conflicts SET last_ms = at_ms + waited_ms;
        DROP INDEX conflicts_by_time;
        CREATE INDEX conflicts_by_last_time ON conflicts(last_ms);
        CREATE INDEX conflicts_by_task ON conflicts(task_id, holder_task_id) WHERE ticket IS NULL;
        """,
        // Version 7: leases kept by the boot clock too (a wall-clock step moves no lease),
        // and a waiter's pid namespace.
        """
        ALTER TABLE claims ADD COLUMN expires_boot_ms INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE claims ADD COLUMN lease_boot_id TEXT NOT NULL DEFAULT '';
        ALTER TABLE waiters ADD COLUMN pid_ns TEXT NOT NULL DEFAULT '';
        """,
        // Version 8: the paths a confined run may write without claiming them, for listings.
        """
        ALTER TABLE claims ADD COLUMN allow_writes TEXT NOT NULL DEFAULT '';  -- PathList
        """,
        // Version 9: what a waiter's claim would be, and its timeout, so that the transaction that
        // frees its way admits it on its behalf (WaiterTermsText; '': it looks for itself).
        """
        ALTER TABLE waiters ADD COLUMN terms TEXT NOT NULL DEFAULT '';
        """,
    ]

    static var latestVersion: Int64 { Int64(migrations.count) }

    /// The schema objects wir's migrations make ("type name", SQLite's own
    /// `sqlite_` objects aside), found by running them on a database in memory.
    static let ownObjects: Set<String> = {
        guard let memory = try? SQLiteConnection(path: ":memory:", busyTimeoutMs: 0) else { return [] }
        for step in migrations { try? memory.execute(step) }
        return Set((try? objects(memory)) ?? [])
    }()

    private static func objects(_ connection: SQLiteConnection) throws -> [String] {
        try connection.uncached("""
            SELECT type || ' ' || name || ' ' || tbl_name FROM sqlite_schema
            WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name
            """).rows { $0.text(0) }
    }

    /// `ownObjects` written out, so that a process checking a registry made by
    /// the current migrations need not run them all on a database in memory
    /// first (a few milliseconds: most of a one-shot command's start-up). A
    /// test checks that it equals `ownObjects`; were it ever stale, registries
    /// would only be checked the slow way.
    static let knownObjects: Set<String> = [
        "index claims_by_expiry claims", "index claims_by_parent claims", "index conflicts_by_last_time conflicts",
        "index conflicts_by_task conflicts", "index conflicts_by_ticket conflicts",
        "table claim_entries claim_entries", "table claims claims", "table conflicts conflicts",
        "table counters counters", "table history history", "table settings settings", "table waiters waiters",
    ]

    /// The registry's schema objects that wir did not make (a trigger, a view,
    /// a table), as "trigger 'quiet' on claim_entries". A trigger that ignores
    /// inserts would switch conflict detection off for everyone.
    static func foreignObjects(_ connection: SQLiteConnection) throws -> [String] {
        let found = try objects(connection)
        if found.allSatisfy(knownObjects.contains) { return [] }
        return found.filter { !ownObjects.contains($0) }.map { object in
            let parts = object.split(separator: " ", maxSplits: 2).map(String.init)
            return parts[1] == parts[2] ? "\(parts[0]) '\(parts[1])'" : "\(parts[0]) '\(parts[1])' on \(parts[2])"
        }
    }

    /// The error for a registry with `foreign` objects in it.
    static func foreignError(_ path: String, _ foreign: [String]) -> WirError {
        WirError(.schema, "registry '\(path)' has schema objects that wir did not make: "
                 + foreign.joined(separator: ", ") + "; wir will not use it until they are dropped "
                 + "(one could silently change what claims are admitted; wir doctor lists them)")
    }

    /// Checks that the file is a wir registry this version understands, sets
    /// the connection's pragmas, and migrates the schema forward if needed.
    ///
    /// Switching a new file to WAL needs an exclusive lock and SQLite does not
    /// call the busy handler for it, so processes that open a new registry at
    /// the same moment retry here, within the busy timeout.
    static func prepare(_ connection: SQLiteConnection, busyTimeoutMs: Int32) throws {
        let deadline = MonotonicClock.nowNs() + UInt64(max(0, busyTimeoutMs)) * 1_000_000
        var pause: UInt32 = 1000
        while true {
            do {
                return try prepareOnce(connection)
            } catch let error as WirError where error.code == .busy && MonotonicClock.nowNs() < deadline {
                usleep(pause)
                pause = min(pause * 2, 50_000)
            }
        }
    }

    /// Sets the pragmas of a connection opened again on a registry this
    /// process already prepared (after a fork).
    static func resume(_ connection: SQLiteConnection) throws {
        try connection.execute("PRAGMA synchronous=NORMAL")
    }

    private static func prepareOnce(_ connection: SQLiteConnection) throws {
        // One read transaction, so that the header and the table list come from
        // the same moment even while another process is creating the schema.
        try connection.execute("BEGIN")
        do {
            try refuseForeignOrNewer(connection)
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
        // WAL: readers never block the writer; synchronous=NORMAL: a commit is
        // durable at the next checkpoint. Losing the last claims in a power cut
        // is harmless (their owners died too); a torn registry is not, and WAL
        // never tears.
        let journal = try connection.uncached("PRAGMA journal_mode=WAL").first { $0.text(0) } ?? ""
        guard journal == "wal" else {
            throw WirError(.io, "registry '\(connection.path)': cannot use WAL mode (journal mode is '\(journal)')")
        }
        try resume(connection)
        guard try connection.integer("PRAGMA user_version") < latestVersion else { return }

        try connection.execute("BEGIN IMMEDIATE")
        do {
            try refuseForeignOrNewer(connection)          // another process may have got here first
            let version = try connection.integer("PRAGMA user_version")
            for step in migrations[Int(version)...] {
                try connection.execute(step)
            }
            try connection.execute("PRAGMA application_id=\(applicationID)")
            try connection.execute("PRAGMA user_version=\(latestVersion)")
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    private static func refuseForeignOrNewer(_ connection: SQLiteConnection) throws {
        let application = try connection.integer("PRAGMA application_id")
        let version = try connection.integer("PRAGMA user_version")
        let path = connection.path
        if application == 0 {
            let objects = try connection.integer("SELECT count(*) FROM sqlite_master")
            guard objects == 0 && version == 0 else {
                throw WirError(.schema, "'\(path)' is a SQLite database of another program, not a wir registry")
            }
        } else if application != applicationID {
            throw WirError(.schema, "'\(path)' is a SQLite database of another program "
                           + "(application id \(application)), not a wir registry")
        } else if version > latestVersion {
            throw WirError(.schema, "registry '\(path)' has schema version \(version), written by a newer wir; "
                           + "this wir understands up to version \(latestVersion) and leaves it untouched")
        }
    }
}
