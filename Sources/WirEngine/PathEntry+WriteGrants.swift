/// What a confined task may write for each of its claim's entries. The kernel
/// (Landlock) grants by directory tree, so some grants are coarser than the
/// claim; docs/concepts.md ("Confined runs") says which.
extension PathEntry {
    /// The grants of this entry; none for a read. `onDisk` says what is at a
    /// path now (rules attach to existing files and directories):
    ///
    /// - a directory: everything beneath it (`.tree`);
    /// - a file: regular files beneath its directory (`.files`), the file among
    ///   them, because writing a temporary file and renaming it over the
    ///   target needs them there;
    /// - a path that does not exist yet: regular files beneath its directory,
    ///   so it can be created as a file;
    /// - a glob: its leading literal directory, as a directory entry.
    ///
    /// Throws `.unresolvablePath` when nothing can be granted because the
    /// directory that would hold the grant does not exist.
    public func writeGrants(onDisk: (CanonicalPath) -> WriteGrant.OnDisk) throws -> [WriteGrant] {
        guard access == .write else { return [] }
        switch onDisk(base) {
        case .directory:
            return [WriteGrant(.tree, base)]
        case .file:
            // A glob beneath a file matches nothing that can exist. (A file is never the root.)
            guard !isGlob, let directory = base.parent else { return [] }
            return [WriteGrant(.files, directory)]
        case .missing:
            guard !isGlob, let directory = base.parent, onDisk(directory) == .directory else {
                throw WirError(.unresolvablePath, "cannot confine writes to '\(text)': "
                               + "\(isGlob ? "its directory '\(base.value)'" : "neither it nor its directory") "
                               + "exists yet; create \(isGlob ? "it" : "the directory") before the run")
            }
            return [WriteGrant(.files, directory)]
        }
    }
}
