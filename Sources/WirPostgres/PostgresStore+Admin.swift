#if canImport(Glibc)
import Glibc
#endif
import CLibPQ
import WirEngine
import WirHost
import WirStorage

/// What an administrator asks of a PostgreSQL registry: who may force a
/// release, and the registry's health (`wir doctor`).
extension PostgresStore {
    /// A superuser, or a member of the role that owns the registry's schema,
    /// may end claims without their keys.
    public func administrator() throws -> String {
        let (role, allowed) = try adminRole()
        guard allowed else {
            throw WirError(.wrongKey, "a forced release needs a superuser or a member of the role owning schema "
                           + "'\(location.schema)'; you are role '\(role)'")
        }
        return "role \(role), uid \(getuid()), pid \(getpid()) on \(ProcessIdentity.hostName)"
    }

    /// The database role of this session, and whether it may administer the
    /// registry: a superuser, or a member of the role that owns its schema.
    public func adminRole() throws -> (role: String, allowed: Bool) {
        try connection.ensureConnected()
        let row = try connection.query("""
            SELECT current_user::text,
                   coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false)
                   OR coalesce((SELECT pg_has_role(current_user, nspowner, 'MEMBER')
                                FROM pg_namespace WHERE nspname = $1), false)
            """, [connection.location.schema.name]).first
        return (row?.text(0) ?? "?", row?.text(1) == "t")
    }

    /// The registry's health as (name, value, is it a number): location,
    /// schema and versions, table row counts, and an index check standing in
    /// for SQLite's integrity check ("ok" when every index of the schema is valid).
    public func diagnose() throws -> [Diagnostic] {
        try connection.ensureConnected()
        let schema = connection.location.schema.name
        var report: [Diagnostic] = [
            Diagnostic(name: "registry", value: connection.location.redacted, isNumber: false),
            Diagnostic(name: "schema", value: schema, isNumber: false),
            Diagnostic(name: "schema_version", value: "\(try schemaVersion())", isNumber: true),
            Diagnostic(name: "server_version", value: try connection.query("SHOW server_version").first?.text(0) ?? "",
                       isNumber: false),
            Diagnostic(name: "libpq_version", value: "\(PQlibVersion())", isNumber: false),
        ]
        let invalid = try connection.query("""
            SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND NOT (i.indisvalid AND i.indisready)
            """, [schema]).first?.int64(0) ?? 0
        report.append(Diagnostic(name: "integrity", value: invalid == 0 ? "ok" : "\(invalid) invalid index(es)",
                                 isNumber: false))
        let foreign = try PostgresSchema.foreignObjects(connection)
        report.append(Diagnostic(name: "foreign_objects", value: foreign.isEmpty ? "none" : foreign.joined(separator: ", "),
                                 isNumber: false))
        return report + (try RowCounts.diagnostics { try connection.query($0).first?.int64(0) ?? 0 })
    }
}
