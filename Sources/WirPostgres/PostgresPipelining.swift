import CLibPQLoader
import Synchronization

/// Whether write transactions send their statements in pipelines (libpq's
/// pipeline mode, libpq 14 and later): BEGIN with the first reads, writes held
/// back until the next read or COMMIT (`PostgresBatch`). Without it, each
/// statement is its own round trip, as with a libpq that lacks pipeline mode.
/// Thread-safe.
public enum PostgresPipelining {
    private static let disabled = Atomic<Bool>(false)

    /// True when the loaded libpq has pipeline mode and it was not turned off.
    /// (Call after libpq was loaded, as every connection does first.)
    public static var isEnabled: Bool { pqloader_has_pipeline() == 1 && !disabled.load(ordering: .relaxed) }

    /// Turns pipelining off (or back on) for the whole process: for the
    /// benchmark's before-and-after rows, and tests of the fallback. Takes
    /// effect at the next transaction.
    public static func setDisabled(_ off: Bool) { disabled.store(off, ordering: .relaxed) }
}
