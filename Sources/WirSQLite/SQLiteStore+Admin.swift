#if canImport(Glibc)
import Glibc
#endif
import CSQLite
import WirEngine
import WirHost
import WirStorage

/// What an administrator asks of a registry file: who may force a release,
/// and the file's health (`wir doctor`).
extension SQLiteStore {
    /// Root, or the user owning the registry file, may end claims without their keys.
    public func administrator() throws -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw WirError(.io, "cannot stat registry '\(path)': \(SystemFiles.describe(errno))")
        }
        let uid = getuid()
        guard uid == 0 || uid == info.st_uid else {
            throw WirError(.wrongKey, "a forced release needs root or the registry's owner (uid \(info.st_uid)); "
                           + "you are uid \(uid)")
        }
        let name = getpwuid(uid).flatMap { $0.pointee.pw_name.map { String(cString: $0) } } ?? "?"
        return "uid \(uid) (\(name)), pid \(getpid()) on \(ProcessIdentity.hostName)"
    }

    /// The file's health: schema and SQLite versions, journal mode, integrity check, row counts.
    public func diagnose() throws -> [Diagnostic] {
        let connection = try connection()
        var report = [Diagnostic(name: "registry", value: path, isNumber: false),
                      Diagnostic(name: "schema_version", value: "\(try schemaVersion())", isNumber: true),
                      Diagnostic(name: "sqlite_version", value: String(cString: sqlite3_libversion()), isNumber: false),
                      Diagnostic(name: "journal_mode",
                                 value: try connection.uncached("PRAGMA journal_mode").first { $0.text(0) } ?? "",
                                 isNumber: false)]
        let integrity = try connection.uncached("PRAGMA integrity_check").rows { $0.text(0) }
        report.append(Diagnostic(name: "integrity", value: integrity.joined(separator: "; "), isNumber: false))
        let foreign = try SQLiteSchema.foreignObjects(connection)
        report.append(Diagnostic(name: "foreign_objects", value: foreign.isEmpty ? "none" : foreign.joined(separator: ", "),
                                 isNumber: false))
        return report + (try RowCounts.diagnostics(connection.integer))
    }
}
