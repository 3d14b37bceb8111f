/// One place a confined task may write, and how: what a claim's write entry
/// (or a path it is allowed to write without claiming) lets the kernel allow.
public struct WriteGrant: Sendable, Hashable {
    /// What may be done at `path`, always to everything beneath it.
    public enum Scope: Sendable, Hashable {
        /// Every write: write and truncate files, create and remove files,
        /// directories, links and special files, rename within.
        case tree
        /// Regular files: write, truncate, create, remove, rename within one
        /// directory. No directories, links or special files.
        case files
        /// Write and truncate what exists; nothing created or removed.
        case existing
    }

    /// What is on disk at a path, as far as the grants care.
    public enum OnDisk: Sendable {
        case directory, file, missing
    }

    public var path: CanonicalPath
    public var scope: Scope

    public init(_ scope: Scope, _ path: CanonicalPath) {
        self.path = path
        self.scope = scope
    }
}
