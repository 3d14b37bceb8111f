#if canImport(Glibc)
import Glibc
#endif
import WirEngine

/// Turns a path as a caller spelled it into the canonical path of the file it
/// names: absolute against the working directory, symlinks followed for the
/// part that exists, `.`/`..`/`//` folded, no trailing slash. Paths with
/// control characters (a newline in a file name, say; `Limits.containsControl`)
/// are refused: they would garble every listing and log line that shows them.
/// So are paths starting with `~`: wir does not expand them, and a directory
/// named `~` is not what their writer meant.
///
/// Components are walked one at a time, as the kernel does: a `..` after a
/// symlink goes up from the link's target, not from the link.
public enum PathResolver {
    /// Symlinks followed per path before giving up, as the kernel's limit.
    static let maxSymlinks = 40

    private static func checkText(_ path: String) throws {
        guard !path.isEmpty else { throw WirError(.invalidArgument, "a path is empty") }
        guard path.utf8.count <= maxPathBytes else {
            throw WirError(.invalidArgument, "a path is longer than \(maxPathBytes) bytes")
        }
        guard !Limits.containsControl(path) else {
            throw WirError(.invalidArgument, "a path contains a control character (such as a newline)")
        }
        // A shell expands `~`; a program handed one unexpanded meant the home directory, and
        // taking it as a directory named `~` under the working directory would claim the wrong file.
        guard path.utf8.first != UInt8(ascii: "~") else {
            throw WirError(.invalidArgument, "path '\(path)' starts with '~', which wir does not expand: write the "
                           + "home directory out (Python: os.path.expanduser), or './\(path)' for a name that "
                           + "starts with '~'")
        }
    }

    /// `path` made canonical. `vetLink` is shown each symlink before it is
    /// followed (its path and the uid owning it) and may refuse it by throwing.
    public static func canonicalize(_ path: String,
                                    vetLink: ((_ link: String, _ owner: uid_t) throws -> Void)? = nil)
        throws -> CanonicalPath {
        try checkText(path)
        // A stack of byte strings still to walk, each from its position; the
        // top is walked first. A symlink's target is pushed on top.
        var sources: [[UInt8]] = [Array(path.utf8)]
        if path.utf8.first != slash { sources.append(try workingDirectory()) }
        var positions = [Int](repeating: 0, count: sources.count)
        var resolved: [UInt8] = []                 // "" stands for the root
        var marks: [Int] = []                      // resolved.count before each component
        var followed = 0
        var exists = true                          // nothing exists below a missing component
        resolved.reserveCapacity(256)
        while let source = sources.last {
            var start = positions[positions.count - 1]
            while start < source.count && source[start] == slash { start += 1 }
            guard start < source.count else {
                sources.removeLast()
                positions.removeLast()
                continue
            }
            var end = start
            while end < source.count && source[end] != slash { end += 1 }
            positions[positions.count - 1] = end
            let length = end - start
            if length == 1 && source[start] == dot { continue }
            if length == 2 && source[start] == dot && source[start + 1] == dot {
                if let mark = marks.popLast() { resolved.removeSubrange(mark...) }
                exists = true
                continue
            }
            marks.append(resolved.count)
            resolved.append(slash)
            resolved.append(contentsOf: source[start..<end])
            let kind = exists ? fileKind(&resolved) : .missing
            if case .symlink(let owner) = kind {
                try vetLink?(String(decoding: resolved, as: UTF8.self), owner)
                let target = try symlinkTarget(&resolved)
                resolved.removeSubrange(marks.removeLast()...)
                followed += 1
                guard followed <= maxSymlinks else {
                    throw WirError(.unresolvablePath, "too many levels of symbolic links resolving '\(path)'")
                }
                if target.first == slash {
                    resolved.removeAll(keepingCapacity: true)
                    marks.removeAll()
                }
                sources.append(target)
                positions.append(0)
                continue
            }
            exists = kind != .missing
        }
        guard resolved.count <= maxPathBytes else {
            throw WirError(.unresolvablePath, "'\(path)' resolves to a path longer than \(maxPathBytes) bytes")
        }
        return CanonicalPath(canonical: resolved.isEmpty ? "/" : String(decoding: resolved, as: UTF8.self))
    }

    /// An entry as the caller spelled it: a plain path, or a glob (see
    /// `Glob`) whose leading wildcard-free components are canonicalised like
    /// a path and whose rest is kept as written. `..` after a wildcard is
    /// refused; `.` there is dropped.
    ///
    /// Besides its resolution (the principal name) the entry holds every other
    /// name it can know (`PathEntry.aliases`): its spelling, folded
    /// lexically, where symlinks make the two differ (so a symlink made or
    /// re-pointed later, or one beneath another claim, still meets it); its
    /// name through the filesystem's root where it lies under a bind mount
    /// (`MountTable`); and for a regular file with more than one hard link,
    /// its inode (so two links of one file meet).
    public static func entry(_ text: String, _ access: Access) throws -> PathEntry {
        guard Glob.isPattern(text) else {
            let resolved = try canonicalize(text)
            // A text already canonical is its own spelling: no name to add, nothing to fold.
            let spelled = CanonicalPath(canonical: text) == resolved ? nil : try spelling(text)
            let aliases = [spelled, MountTable.shared.rootName(of: resolved), inodeName(resolved)]
            return PathEntry(access, resolved, aliases: aliases.compactMap { $0 }.map { PathEntry(access, $0) })
        }
        try checkText(text)
        // Bytes, not Characters: a '/' followed by a combining mark is one Character.
        let absolute = text.utf8.first == slash
        let parts = Array(text.utf8).split(separator: slash, omittingEmptySubsequences: true)
        let wild = parts.firstIndex { $0.contains(where: Glob.isWildcardByte) } ?? parts.count
        let literal = String(decoding: Array(parts[..<wild].joined(separator: [slash])), as: UTF8.self)
        let base = try canonicalize(absolute ? "/" + literal : (literal.isEmpty ? "." : literal))
        var tail: [ArraySlice<UInt8>] = []
        for part in parts[wild...] {
            if part.elementsEqual([dot]) { continue }
            guard !part.elementsEqual([dot, dot]) else {
                throw WirError(.invalidArgument, "glob '\(text)' has '..' after a wildcard")
            }
            tail.append(part)
        }
        try refuseEmptyComponents(tail, in: text)
        let spelled = try spelling(absolute ? "/" + literal : (literal.isEmpty ? "." : literal))
        let bases = [spelled, MountTable.shared.rootName(of: base)].compactMap { $0 }.filter { $0 != base }
        let aliases = try bases.map { try globEntry(access, base: $0, tail: tail) }
        let entry = try globEntry(access, base: base, tail: tail, aliases: aliases)
        if let glob = entry.glob { try Limits.glob(glob, text) }
        return entry
    }

    /// The glob made of the canonical directory `base` and the components
    /// `tail` (the first one holds a wildcard).
    private static func globEntry(_ access: Access, base: CanonicalPath, tail: [ArraySlice<UInt8>],
                                  aliases: [PathEntry] = []) throws -> PathEntry {
        let escaped = base.value.utf8.flatMap { Glob.isWildcardByte($0) ? [UInt8(ascii: "\\"), $0] : [$0] }
        let pattern = String(decoding: (base.isRoot ? [] : escaped) + [slash] + Array(tail.joined(separator: [slash])),
                             as: UTF8.self)
        return try PathEntry(access, pattern: pattern, base: PathEntry.literalBase(of: pattern), aliases: aliases)
    }

    /// Refuses a glob with a component that can only match "." or ".." (such
    /// as `\.`, `[.]` or `.[.]`): canonical paths hold no such component, so
    /// the glob would match nothing.
    private static func refuseEmptyComponents(_ tail: [ArraySlice<UInt8>], in text: String) throws {
        for component in tail where Glob.matchesOnlyDots(Array(component)) {
            throw WirError(.invalidArgument, "glob '\(text)' has a component ('\(String(decoding: component, as: UTF8.self))') "
                           + "that can only match '.' or '..', so it matches nothing")
        }
    }

    /// `path` made absolute against the working directory and folded
    /// lexically, without consulting symlinks: the name the caller wrote.
    /// nil where it is the resolution already.
    private static func spelling(_ path: String) throws -> CanonicalPath? {
        let absolute = path.utf8.first == slash ? path : String(decoding: try workingDirectory(), as: UTF8.self) + "/" + path
        return CanonicalPath(lexical: absolute)
    }

    /// The identity name of the inode at `path`, when it is a regular file
    /// with more than one hard link.
    private static func inodeName(_ path: CanonicalPath) -> CanonicalPath? {
        var info = stat()
        guard stat(path.value, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_nlink > 1 else { return nil }
        return CanonicalPath(canonical: PathEntry.identityRoot + "inode/\(info.st_dev)/\(info.st_ino)")
    }

    /// WIR_PATH_MAX.
    public static let maxPathBytes = Limits.maxPathBytes

    private static let slash = UInt8(ascii: "/")
    private static let dot = UInt8(ascii: ".")

    private static func workingDirectory() throws -> [UInt8] {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else {
            throw WirError(.unresolvablePath, "cannot read the working directory: \(SystemFiles.describe(errno))")
        }
        return buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    }

    private enum FileKind: Equatable { case missing, symlink(owner: uid_t), other }

    /// What is at `path`, without following a final symlink (one lstat).
    private static func fileKind(_ path: inout [UInt8]) -> FileKind {
        var info = stat()
        let found = withCString(&path) { lstat($0, &info) == 0 }
        guard found else { return .missing }
        return (info.st_mode & S_IFMT) == S_IFLNK ? .symlink(owner: info.st_uid) : .other
    }

    /// The target of the symlink at `path`, as bytes of valid UTF-8.
    private static func symlinkTarget(_ path: inout [UInt8]) throws -> [UInt8] {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = withCString(&path) { readlink($0, &buffer, buffer.count - 1) }
        let shown = String(decoding: path, as: UTF8.self)
        guard count >= 0 else {
            throw WirError(.unresolvablePath, "cannot read symlink '\(shown)': \(SystemFiles.describe(errno))")
        }
        let target = buffer[..<count].map { UInt8(bitPattern: $0) }
        guard String(validating: target, as: UTF8.self) != nil else {
            throw WirError(.unresolvablePath, "symlink '\(shown)' points to a path that is not valid UTF-8")
        }
        return target
    }

    /// Calls `body` with `bytes` as a NUL-terminated C string, without copying.
    private static func withCString<T>(_ bytes: inout [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
        bytes.append(0)
        defer { bytes.removeLast() }
        return bytes.withUnsafeBufferPointer {
            body(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self))
        }
    }
}
