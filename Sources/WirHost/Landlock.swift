#if canImport(Glibc)
import Glibc
#endif
import CLinux
import WirEngine

/// Linux Landlock as wir uses it: which ABI the kernel offers, which write
/// rights each ABI can refuse, and rulesets. wir handles write rights only, so
/// reading and executing are never restricted.
///
/// What needs which ABI (`landlock_create_ruleset` with
/// `LANDLOCK_CREATE_RULESET_VERSION` says which the kernel has):
/// - 1 (Linux 5.13): writing files; creating and removing files, directories,
///   links, sockets, FIFOs and devices.
/// - 2 (Linux 5.19): renaming and linking between directories (`REFER`).
///   Without it the kernel refuses every such rename, even within a claim.
/// - 3 (Linux 6.2): truncation (`truncate(2)`, `O_TRUNC`). Without it
///   truncation is not refused anywhere.
/// - 4 to 7 add network ports, device ioctls, scopes and audit logs, which
///   wir does not use.
public enum Landlock {
    /// The ABI that refuses everything wir's rules need refused.
    public static let fullABI = 3

    /// File-system rights (`LANDLOCK_ACCESS_FS_*`): the write rights only.
    public struct Access: OptionSet, Sendable, Hashable {
        public let rawValue: UInt64
        public init(rawValue: UInt64) { self.rawValue = rawValue }

        public static let writeFile = Access(rawValue: 1 << 1)
        public static let removeDir = Access(rawValue: 1 << 4)
        public static let removeFile = Access(rawValue: 1 << 5)
        public static let makeChar = Access(rawValue: 1 << 6)
        public static let makeDir = Access(rawValue: 1 << 7)
        public static let makeReg = Access(rawValue: 1 << 8)
        public static let makeSock = Access(rawValue: 1 << 9)
        public static let makeFifo = Access(rawValue: 1 << 10)
        public static let makeBlock = Access(rawValue: 1 << 11)
        public static let makeSym = Access(rawValue: 1 << 12)
        /// ABI 2.
        public static let refer = Access(rawValue: 1 << 13)
        /// ABI 3.
        public static let truncate = Access(rawValue: 1 << 14)

        /// The write rights the kernel of ABI `abi` can refuse.
        public static func offered(byABI abi: Int) -> Access {
            guard abi >= 1 else { return [] }
            var rights: Access = [.writeFile, .removeDir, .removeFile, .makeChar, .makeDir, .makeReg, .makeSock,
                                  .makeFifo, .makeBlock, .makeSym]
            if abi >= 2 { rights.insert(.refer) }
            if abi >= 3 { rights.insert(.truncate) }
            return rights
        }

        /// The rights a grant allows (at full ABI).
        public static func allowed(by scope: WriteGrant.Scope) -> Access {
            switch scope {
            case .tree: return offered(byABI: fullABI)
            case .files: return [.writeFile, .truncate, .makeReg, .removeFile]
            case .existing: return [.writeFile, .truncate]
            }
        }
    }

    /// The ABI to use: the kernel's, lowered to `WIR_LANDLOCK_ABI` if that is
    /// set (a test of how wir behaves on an older kernel; it cannot raise it);
    /// 0 without Landlock. `why` says what a 0 or a lowered ABI comes from.
    public static func abi() throws -> (abi: Int, why: String) {
        let found = wir_landlock_abi()
        let kernel = found > 0 ? Int(found) : 0
        var why = found > 0 ? "this kernel has Landlock ABI \(kernel)"
            : errno == EOPNOTSUPP ? "this kernel has Landlock but it is disabled (boot with landlock in lsm=)"
            : "this kernel has no Landlock (Linux 5.13 or later, built with CONFIG_SECURITY_LANDLOCK)"
        guard let text = Environment.value("WIR_LANDLOCK_ABI") else { return (kernel, why) }
        guard let forced = Int(text), forced >= 0 else {
            throw WirError(.invalidArgument, "WIR_LANDLOCK_ABI='\(text)' is not an ABI version (0, 1, 2, ...)")
        }
        if forced < kernel {
            why = forced == 0 ? "WIR_LANDLOCK_ABI=0 says this kernel has no Landlock"
                : "WIR_LANDLOCK_ABI=\(forced) lowers this kernel's Landlock ABI \(kernel) to \(forced)"
        }
        return (min(kernel, forced), why)
    }

    /// A ruleset being built: a descriptor the kernel gave, closed when released.
    public final class Ruleset {
        public let fd: Int32
        /// The rights it handles: refused wherever no rule allows them.
        public let handled: Access

        public init(handling handled: Access) throws {
            let fd = wir_landlock_create_ruleset(handled.rawValue)
            guard fd >= 0 else {
                throw WirError(.unsupported, "cannot make a Landlock ruleset: \(SystemFiles.describe(errno))")
            }
            self.fd = fd
            self.handled = handled
        }

        deinit { close(fd) }

        /// Allows `rights` (as far as the ruleset handles them) beneath `path`,
        /// which must exist. Returns false if it does not.
        @discardableResult
        public func allow(_ rights: Access, beneath path: String) throws -> Bool {
            let target = wir_open_path(path)
            guard target >= 0 else {
                if errno == ENOENT || errno == ENOTDIR { return false }
                throw WirError(.io, "cannot confine writes to '\(path)': \(SystemFiles.describe(errno))")
            }
            defer { close(target) }
            var isDirectory = false
            var info = stat()
            if fstat(target, &info) == 0 { isDirectory = (info.st_mode & S_IFMT) == S_IFDIR }
            // Rights that only make sense on a directory are refused on anything else.
            let usable = rights.intersection(handled)
                .intersection(isDirectory ? Access.offered(byABI: fullABI) : [.writeFile, .truncate])
            guard !usable.isEmpty else { return true }
            guard wir_landlock_allow(fd, target, usable.rawValue) == 0 else {
                throw WirError(.io, "cannot confine writes to '\(path)': landlock_add_rule: \(SystemFiles.describe(errno))")
            }
            return true
        }

        /// Restricts the calling thread, and what it starts from now on, to
        /// this ruleset, on top of any it already has (layers only narrow).
        public func restrictSelf() throws {
            guard wir_landlock_restrict_self(fd) == 0 else {
                throw WirError(errno == E2BIG ? .unsupported : .io,
                               "the kernel refused to confine this process: landlock_restrict_self: "
                               + SystemFiles.describe(errno) + (errno == E2BIG ? " (16 nested confinements at most)" : ""))
            }
        }
    }
}
