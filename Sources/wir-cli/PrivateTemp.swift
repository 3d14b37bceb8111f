#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import WirEngine
import WirHost

/// A confined run's private temporary directory: made under $TMPDIR (else
/// /tmp) with mode 0700, the command's $TMPDIR, removed when the run ends.
final class PrivateTemp {
    let path: String

    init() throws {
        let base = Environment.value("TMPDIR") ?? "/tmp"
        var template = Array((base + "/wir-run-XXXXXX").utf8CString)
        guard mkdtemp(&template) != nil else {
            throw WirError(.io, "cannot make a temporary directory in '\(base)': \(SystemFiles.describe(errno))")
        }
        path = String(cString: template)
    }

    /// Removes the directory and everything in it (symlinks are removed, not followed).
    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
