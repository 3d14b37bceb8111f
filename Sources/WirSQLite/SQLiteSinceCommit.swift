import CSQLite
import WirEngine

/// What a connection read in its earlier transactions and may reuse while no
/// other connection has committed since its own last commit: the registry's
/// settings, and that its schema holds only wir's objects.
///
/// SQLite's pager counts changes to the file (`SQLITE_FCNTL_DATA_VERSION`):
/// its own commits, and, when a transaction starts, those of any other
/// connection or process. A write transaction (`BEGIN IMMEDIATE` starts its
/// read at once) that finds the count where this connection's last commit
/// left it sees the file as that commit left it: nothing read since can have
/// changed but by this connection, which forgets what it writes (`save`).
/// A deferred `BEGIN` has not read yet, so read transactions never reuse.
///
/// Not thread-safe: part of one connection, whose owner serialises calls.
final class SQLiteSinceCommit {
    private var version: UInt32?
    /// The settings as read in this transaction or one before it (nil: read them).
    var settings: RegistrySettings?

    /// At the start of a transaction: true when nothing changed since this
    /// connection's last commit (only for a write transaction, which has read);
    /// false forgets everything kept.
    func unchanged(_ db: OpaquePointer, writing: Bool) -> Bool {
        if writing, let version, version == Self.dataVersion(db) { return true }
        forget()
        return false
    }

    /// After a commit: what was kept stays good until another connection commits.
    func committed(_ db: OpaquePointer) { version = Self.dataVersion(db) }

    /// After a rollback, or a transaction that changed what is kept.
    func forget() {
        version = nil
        settings = nil
    }

    private static func dataVersion(_ db: OpaquePointer) -> UInt32 {
        var value: UInt32 = 0
        sqlite3_file_control(db, "main", SQLITE_FCNTL_DATA_VERSION, &value)
        return value
    }
}
