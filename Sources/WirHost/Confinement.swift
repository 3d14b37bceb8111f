#if canImport(Glibc)
import Glibc
#endif
import WirEngine

/// The Landlock ruleset that lets a task write only where its claim allows:
/// its write entries' grants (`PathEntry.writeGrants`), the paths it may write
/// without claiming them, the files its registry needs, and the terminal
/// devices. Reading and executing stay unrestricted.
///
/// Built in the process that starts the task (the ruleset's descriptor is
/// inherited across fork), applied by the task itself before exec
/// (`restrictSelf`, or `wir_spawn_gated`). Not thread-safe.
public final class Confinement {
    /// Always writable: discarding output and talking to the terminal.
    public static let devices = ["/dev/null", "/dev/tty", "/dev/pts"]

    private let ruleset: Landlock.Ruleset?

    /// The ruleset's descriptor (close-on-exec), or -1 when nothing is confined.
    public var rulesetDescriptor: Int32 { ruleset?.fd ?? -1 }

    /// The ABI, and what this kernel cannot enforce as a sentence (nil when it
    /// enforces everything: only a best-effort mode can have one). Throws
    /// `.unsupported` for a strict mode when it lacks Landlock or a right the
    /// rules need, naming what and which kernel has it: the check to make
    /// before claiming or starting anything.
    public static func support(for mode: ConfineMode) throws -> (abi: Int, shortfall: String?) {
        let (abi, why) = try Landlock.abi()
        var gaps: [String] = []
        if abi == 0 { gaps.append("nothing can be confined") }
        if abi == 1 {
            gaps.append("renaming and linking files between directories is refused everywhere, even within the "
                        + "claim (ABI 2, Linux 5.19, refuses it only outside)")
        }
        if (1..<Landlock.fullABI).contains(abi) {
            gaps.append("truncating files (truncate(2), O_TRUNC) is not refused outside the claim "
                        + "(that needs ABI 3, Linux 6.2)")
        }
        let shortfall = gaps.isEmpty ? nil : why + ": " + gaps.joined(separator: "; ")
        if mode == .strict, let shortfall {
            throw WirError(.unsupported, "cannot confine the command: \(shortfall); best-effort confinement "
                           + "(--confine=best-effort) runs it with what the kernel offers")
        }
        return (abi, shortfall)
    }

    /// The ruleset for a task writing `entries` (their write entries) and
    /// `allowWrites`, with `registryGrants` (what using the registry needs).
    /// Throws `.unsupported` (see `support`), `.unresolvablePath` for an entry
    /// with nothing on disk to attach its grant to, `.io` for a registry file
    /// that is missing.
    public init(entries: [PathEntry], allowWrites: [CanonicalPath], registryGrants: [WriteGrant],
                mode: ConfineMode) throws {
        let abi = try Self.support(for: mode).abi
        guard mode != .off, abi > 0 else {
            ruleset = nil
            return
        }
        var grants: [WriteGrant] = []
        var seen = Set<WriteGrant>()
        for entry in entries + allowWrites.map({ PathEntry(.write, $0) }) {
            for grant in try entry.writeGrants(onDisk: Self.onDisk) where seen.insert(grant).inserted {
                grants.append(grant)
            }
        }
        let ruleset = try Landlock.Ruleset(handling: .offered(byABI: abi))
        for grant in grants {
            try ruleset.allow(.allowed(by: grant.scope), beneath: grant.path.value)
        }
        for grant in registryGrants where try !ruleset.allow(.allowed(by: grant.scope), beneath: grant.path.value) {
            throw WirError(.io, "cannot confine the command: the registry's file '\(grant.path.value)' is missing, and a "
                           + "confined process could not create it")
        }
        for device in Self.devices {
            try ruleset.allow(.allowed(by: .existing), beneath: device)     // skipped where missing
        }
        self.ruleset = ruleset
    }

    /// Confines the calling thread (and what it starts from now on); meant
    /// for a process about to exec. Does nothing when nothing is confined.
    public func restrictSelf() throws {
        try ruleset?.restrictSelf()
    }

    /// What is at `path` now, following symlinks.
    static func onDisk(_ path: CanonicalPath) -> WriteGrant.OnDisk {
        var info = stat()
        guard stat(path.value, &info) == 0 else { return .missing }
        return (info.st_mode & S_IFMT) == S_IFDIR ? .directory : .file
    }
}
