import WirEngine
import WirStorage

/// A PostgreSQL registry's tables, in a schema of their own, and their
/// forward migrations.
///
/// Table `meta` marks a schema as a wir registry (`application` = `wir`) and
/// holds its version (`schema_version`). A schema holding other tables, or a
/// newer version, is refused before anything in it is changed. Path and task
/// columns use the "C" collation, so that comparisons are bytewise as in the
/// SQLite store and the descendant range scan is exact whatever the
/// database's locale.
enum PostgresSchema {
    /// Migration `i` takes a registry from version `i` to `i + 1`.
    static let migrations: [String] = [
        """
        CREATE TABLE meta(
            name  text PRIMARY KEY,
            value text NOT NULL
        );
        INSERT INTO meta(name, value) VALUES ('application', 'wir'), ('schema_version', '0');

        CREATE TABLE counters(
            name  text PRIMARY KEY,
            value bigint NOT NULL
        );
        INSERT INTO counters(name, value) VALUES ('token', 0);

        CREATE TABLE claims(
            task_id    text COLLATE "C" PRIMARY KEY,
            secret     text NOT NULL,
            token      bigint NOT NULL,
            host       text NOT NULL,
            pid        bigint NOT NULL,
            start_time bigint NOT NULL,
            boot_id    text NOT NULL,
            created_ms bigint NOT NULL,
            expires_ms bigint NOT NULL,
            ttl_ms     bigint NOT NULL,
            entries    text NOT NULL,        -- the claim's entries, sorted, joined by newlines
            label      text NOT NULL DEFAULT ''
        );
        CREATE INDEX claims_by_expiry ON claims(expires_ms);

        CREATE TABLE claim_entries(
            path    text COLLATE "C" NOT NULL,   -- the entry's base: the path, or a glob's literal directory
            task_id text COLLATE "C" NOT NULL,
            entry   text COLLATE "C" NOT NULL,   -- "w " / "r ", then "g " for a glob, then the path or pattern
            PRIMARY KEY (path, task_id, entry)
        );

        CREATE TABLE waiters(
            ticket      bigserial PRIMARY KEY,   -- a sequence: tickets are never reused
            task_id     text NOT NULL,
            host        text NOT NULL,
            pid         bigint NOT NULL,
            start_time  bigint NOT NULL,
            boot_id     text NOT NULL,
            entries     text NOT NULL,
            enqueued_ms bigint NOT NULL,
            expires_ms  bigint NOT NULL
        );

        CREATE TABLE settings(
            name  text PRIMARY KEY,
            value text NOT NULL
        );

        CREATE TABLE history(
            id         bigserial PRIMARY KEY,
            task_id    text NOT NULL,
            token      bigint NOT NULL,
            host       text NOT NULL,
            pid        bigint NOT NULL,
            entries    text NOT NULL,
            created_ms bigint NOT NULL,
            ended_ms   bigint NOT NULL,
            reason     text NOT NULL,
            label      text NOT NULL DEFAULT '',
            forced_by  text NOT NULL DEFAULT ''
        );

        CREATE TABLE conflicts(
            id               bigserial PRIMARY KEY,
            at_ms            bigint NOT NULL,
            task_id          text NOT NULL,
            holder_task_id   text NOT NULL,
            requested_path   text NOT NULL,
            held_path        text NOT NULL,
            holder_host      text NOT NULL,
            holder_pid       bigint NOT NULL,
            policy           text NOT NULL,
            outcome          text NOT NULL,
            waited_ms        bigint NOT NULL,
            requested_access text NOT NULL,
            held_access      text NOT NULL,
            ticket           bigint
        );
        CREATE INDEX conflicts_by_time ON conflicts(at_ms);
        CREATE INDEX conflicts_by_ticket ON conflicts(ticket) WHERE ticket IS NOT NULL;
        """,
        // Version 2: every owner of a claim (processes and groups), and sub-claims.
        """
        ALTER TABLE claims ADD COLUMN owners text NOT NULL DEFAULT '';
        ALTER TABLE claims ADD COLUMN parent_task_id text COLLATE "C" NOT NULL DEFAULT '';
        CREATE INDEX claims_by_parent ON claims(parent_task_id) WHERE parent_task_id <> '';
        ALTER TABLE waiters ADD COLUMN parent_task_id text NOT NULL DEFAULT '';
        """,
        // Version 3: a refusal repeated by its task is one conflict-log row with a count and
        // a last time; the log is listed and pruned by the last time.
        """
        ALTER TABLE conflicts ADD COLUMN count bigint NOT NULL DEFAULT 1;
        ALTER TABLE conflicts ADD COLUMN last_ms bigint NOT NULL DEFAULT 0;
        UPDATE conflicts SET last_ms = at_ms + waited_ms;
        DROP INDEX conflicts_by_time;
        CREATE INDEX conflicts_by_last_time ON conflicts(last_ms);
        CREATE INDEX conflicts_by_task ON conflicts(task_id, holder_task_id) WHERE ticket IS NULL;
        """,
        // Version 4: the boot-clock lease columns (unused here: the server's clock decides),
        // and a waiter's pid namespace.
        """
        ALTER TABLE claims ADD COLUMN expires_boot_ms bigint NOT NULL DEFAULT 0;
        ALTER TABLE claims ADD COLUMN lease_boot_id text NOT NULL DEFAULT '';
        ALTER TABLE waiters ADD COLUMN pid_ns text NOT NULL DEFAULT '';
        """,
        // Version 5: the paths a confined run may write without claiming them, for listings.
        """
        ALTER TABLE claims ADD COLUMN allow_writes text NOT NULL DEFAULT '';
        """,
        // Version 6: what a waiter's claim would be, and its timeout, so that the transaction that
        // frees its way admits it on its behalf (WaiterTermsText; '': it looks for itself).
        """
        ALTER TABLE waiters ADD COLUMN terms text NOT NULL DEFAULT '';
        """,
    ]

    static var latestVersion: Int64 { Int64(migrations.count) }

    /// How long one migration step may take (or `WIR_PG_TIMEOUT`, if longer): a step may
    /// rewrite a whole table (version 3 rewrites the conflict log), once; a stuck server still
    /// fails the open within it.
    static let migrationTimeoutMs: Int64 = 300_000

    /// Every registry write transaction takes this lock first: one per schema,
    /// so registries in other schemas never wait for each other (unless their
    /// names' hashes collide, which only serialises them). The first key is
    /// "wir!" in ASCII, keeping wir's locks apart from other programs'.
    static let lockStatement = "SELECT pg_advisory_xact_lock(2003399201, hashtext($1))"

    /// Creates the schema and its tables, or migrates them forward, under the
    /// registry's lock; refuses a foreign or newer schema unchanged.
    static func prepare(_ connection: PostgresConnection, create: Bool = true) throws {
        let schema = connection.location.schema
        try connection.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
        do {
            try connection.query(lockStatement, [schema.name])
            let version = try currentVersion(connection)
            if version == 0 && !create {
                throw WirError(.noRegistry, "there is no registry in schema '\(schema.name)' of "
                               + "'\(connection.location.redacted)' (nothing was ever claimed there); check the URL's "
                               + "wir_schema, or claim something first")
            }
            if version < latestVersion {
                // The name is validated and quoted (see PostgresIdentifier); DDL takes no parameters.
                try connection.execute("CREATE SCHEMA IF NOT EXISTS \(schema.quoted)")
                for step in migrations[Int(version)...] {
                    try connection.execute(step, deadline: PostgresTimeout.deadline(
                        max(connection.timeoutMs, migrationTimeoutMs), "the limit of a schema migration"))
                }
                try connection.query("UPDATE meta SET value = $1 WHERE name = 'schema_version'", [String(latestVersion)])
            }
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// What in the registry's schema changes what its statements do and was
    /// not made by wir (which makes none of these): triggers, rules and row
    /// security on its tables, as "trigger 'quiet' on claim_entries". A
    /// trigger that drops inserts would switch conflict detection off for everyone.
    static func foreignObjects(_ connection: PostgresConnection) throws -> [String] {
        try connection.query("""
            SELECT 'trigger ''' || t.tgname || ''' on ' || c.relname FROM pg_trigger t
              JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = $1 AND NOT t.tgisinternal
            UNION ALL
            SELECT 'rule ''' || r.rulename || ''' on ' || r.tablename FROM pg_rules r WHERE r.schemaname = $1
            UNION ALL
            SELECT 'row security on ' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = $1 AND (c.relrowsecurity OR c.relforcerowsecurity)
            ORDER BY 1
            """, [connection.location.schema.name]).rows.map { $0.text(0) }
    }

    /// The error for a registry with `foreign` objects in its schema.
    static func foreignError(_ location: PostgresLocation, _ foreign: [String]) -> WirError {
        WirError(.schema, "registry schema '\(location.schema.name)' in '\(location.redacted)' has objects that wir did "
                 + "not make: " + foreign.joined(separator: ", ") + "; wir will not use it until they are dropped "
                 + "(one could silently change what claims are admitted; wir doctor lists them)")
    }

    /// The registry's schema version: 0 for a schema that does not exist yet
    /// or is empty. Throws `.schema` for a schema of another program or a newer wir.
    static func currentVersion(_ connection: PostgresConnection) throws -> Int64 {
        let name = connection.location.schema.name
        // The catalog is readable without privileges; the schema's tables are not. A role without
        // USAGE on the schema would otherwise find no table `meta` and blame the tables.
        let tables = try connection.query("""
            SELECT count(*), count(*) FILTER (WHERE tablename = 'meta'),
                   coalesce(bool_and(has_schema_privilege(schemaname, 'USAGE')), true), current_user
            FROM pg_tables WHERE schemaname = $1
            """, [name])
        guard let counts = tables.first, counts.int64(0) > 0 else { return 0 }
        guard counts.text(2) == "t" else {
            throw WirError(.io, "role '\(counts.text(3))' may not use schema '\(name)' of "
                           + "'\(connection.location.redacted)': it lacks the USAGE privilege on the schema (and "
                           + "needs to read and write its tables); the schema's owner can grant them")
        }
        guard counts.int64(1) == 1 else {
            throw WirError(.schema, "schema '\(name)' in '\(connection.location.redacted)' holds tables of another "
                           + "program, not a wir registry; choose another with ?wir_schema=NAME")
        }
        let meta = try connection.query("SELECT name, value FROM meta WHERE name IN ('application', 'schema_version')")
        let values = Dictionary(meta.rows.map { ($0.text(0), $0.text(1)) }, uniquingKeysWith: { first, _ in first })
        guard values["application"] == "wir", let version = values["schema_version"].flatMap({ Int64($0) }) else {
            throw WirError(.schema, "schema '\(name)' in '\(connection.location.redacted)' is not a wir registry "
                           + "(its meta table has no wir version); choose another with ?wir_schema=NAME")
        }
        guard version <= latestVersion else {
            throw WirError(.schema, "registry schema '\(name)' has version \(version), written by a newer wir; this "
                           + "wir understands up to version \(latestVersion) and leaves it untouched")
        }
        return version
    }
}
