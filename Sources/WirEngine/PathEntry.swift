/// One entry of a claim: a canonical path, or a glob, with its access. It
/// stands for every path it matches and everything beneath them.
public struct PathEntry: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let access: Access
    /// The canonical path, or the absolute glob pattern.
    public let text: String
    /// The directory the entry lies within: the path itself, or a glob's
    /// leading components without wildcards. Stores index entries by it.
    public let base: CanonicalPath
    public let glob: Glob?

    /// A plain path.
    public init(_ access: Access, _ path: CanonicalPath) {
        self.access = access
        text = path.value
        base = path
        glob = nil
    }

    /// A glob whose leading wildcard-free components are `base` (already
    /// canonical) and whose `pattern` is absolute and starts with `base`.
    public init(_ access: Access, pattern: String, base: CanonicalPath) throws {
        self.access = access
        text = pattern
        self.base = base
        glob = try Glob(absolute: pattern)
    }

    public var isGlob: Bool { glob != nil }
    public var description: String { (access == .read ? "read " : "") + text }

    /// True when the two entries conflict: their path sets intersect and at
    /// least one of them writes.
    public func conflicts(with other: PathEntry) -> Bool {
        if access == .read && other.access == .read { return false }
        return covers(commonPathWith: other)
    }

    /// True when some path lies in both entries' sets (access aside).
    public func covers(commonPathWith other: PathEntry) -> Bool {
        guard base.overlaps(other.base) else { return false }      // both sets lie within their bases
        if glob == nil && other.glob == nil { return true }
        return automaton.intersects(other.automaton)
    }

    /// True when `path` lies in this entry's set: it is matched, or lies
    /// beneath a match.
    public func contains(_ path: CanonicalPath) -> Bool {
        guard let glob else { return path.isWithin(base) }
        return path.isWithin(base) && PatternAutomaton(glob.components).accepts(path.value.utf8)
    }

    private var automaton: PatternAutomaton {
        if let glob { return PatternAutomaton(glob.components) }
        let parts = base.isRoot ? [] : base.value.utf8.dropFirst().split(separator: UInt8(ascii: "/"))
        return PatternAutomaton(parts.map { .segment($0.map { .bytes(ByteSet($0)) }) })
    }

    /// Storage form: "w " or "r ", then "g " for a glob, then the text.
    public var encoded: String {
        (access == .write ? "w " : "r ") + (isGlob ? "g " : "") + text
    }

    /// Reads the storage form back; `base` of a glob is recomputed.
    public init(encoded: String) throws {
        // Compared as bytes: the prefixes are ASCII, and Character views are slow.
        let bytes = encoded.utf8
        let access: Access = bytes.first == UInt8(ascii: "r") ? .read : .write
        let rest = bytes.dropFirst(2)
        if rest.starts(with: "g ".utf8) {
            let pattern = String(decoding: rest.dropFirst(2), as: UTF8.self)
            try self.init(access, pattern: pattern, base: PathEntry.literalBase(of: pattern))
        } else {
            self.init(access, CanonicalPath(canonical: String(decoding: rest, as: UTF8.self)))
        }
    }

    /// An entry as shown in a log: its text and access; a glob if the text
    /// reads as one. Never fails: what cannot be parsed is kept as a path.
    public static func shown(_ text: String, access: Access) -> PathEntry {
        if Glob.isPattern(text), let glob = try? PathEntry(access, pattern: text, base: literalBase(of: text)) {
            return glob
        }
        return PathEntry(access, CanonicalPath(canonical: text))
    }

    /// The leading components of an absolute pattern that hold no wildcard
    /// or escape, as a canonical path.
    public static func literalBase(of pattern: String) -> CanonicalPath {
        var parts: [ArraySlice<UInt8>] = []
        for part in Array(pattern.utf8).split(separator: UInt8(ascii: "/")) {
            if part.contains(where: Glob.isWildcardByte) { break }
            parts.append(part)
        }
        return CanonicalPath(canonical: String(decoding: [UInt8(ascii: "/")]
            + Array(parts.joined(separator: [UInt8(ascii: "/")])), as: UTF8.self))
    }

    // Equality, hashing and order go by the text's UTF-8 bytes, as for
    // `CanonicalPath` (`base` and `glob` follow from the text): Unicode-equivalent
    // spellings name different files, and byte comparisons are cheap.

    public static func == (a: PathEntry, b: PathEntry) -> Bool {
        a.access == b.access && a.isGlob == b.isGlob && ByteOrder.compare(a.text, b.text) == 0
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(access)
        hasher.combine(isGlob)
        ByteOrder.hash(text, into: &hasher)
    }

    public static func < (a: PathEntry, b: PathEntry) -> Bool {
        let order = ByteOrder.compare(a.text, b.text)
        if order != 0 { return order < 0 }
        if a.access != b.access { return a.access == .read }
        return !a.isGlob && b.isGlob
    }
}
