#if canImport(Glibc)
import Glibc
#endif
import CLibPQLoader
import Synchronization

/// Whether write transactions send their statements in pipelines (libpq's
/// pipeline mode, libpq 14 and later): BEGIN with the first reads, writes held
/// back until the next read or COMMIT (`PostgresBatch`). Without it, each
/// statement is its own round trip, as with a libpq that lacks pipeline mode.
/// `WIR_PG_PIPELINE=0` in the environment turns it off (for comparison, for
/// testing the fallback, or for a pooler that mishandles pipelines).
/// Thread-safe.
public enum PostgresPipelining {
    private static let disabled = Atomic<Bool>(getenv("WIR_PG_PIPELINE").map { String(cString: $0) == "0" } ?? false)

    /// True when the loaded libpq has pipeline mode and it was not turned off.
    public static var isEnabled: Bool { pqloader_has_pipeline() == 1 && !disabled.load(ordering: .relaxed) }

    /// Turns pipelining off (or back on) for the whole process, whatever the
    /// environment says: for the benchmark's before-and-after rows. Takes effect
    /// at the next transaction.
    public static func setDisabled(_ off: Bool) { disabled.store(off, ordering: .relaxed) }
}
