/// One entry of a claim: a canonical path, or a glob, with its access. It
/// stands for every path it matches and everything beneath them.
///
/// An entry may also carry other names of the same files (`aliases`): its
/// spelling where symlinks made the resolution differ, its path through the
/// filesystem's root where a bind mount was crossed, the inode of a file with
/// more than one hard link. Two entries conflict when any name of one
/// overlaps any name of the other. The principal name (`text`) is the
/// resolution: what listings show, and what equality, hashing and order go by.
public struct PathEntry: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The fields, in one immutable object: sorting, hashing and passing
    /// entries around copies one reference, not six.
    private let fields: Fields

    public var access: Access { fields.access }
    /// The canonical path, or the absolute glob pattern.
    public var text: String { fields.text }
    /// The directory the entry lies within: the path itself, or a glob's
    /// leading components without wildcards. Stores index entries by it.
    public var base: CanonicalPath { fields.base }
    public var glob: Glob? { fields.glob }
    /// Other names of the same files, each a path or a glob (never with
    /// aliases of its own), with the same access.
    public var aliases: [PathEntry] { fields.aliases }
    /// A glob's automaton, built once (an overlap decision compares each
    /// held glob with every requested entry).
    private var globAutomaton: AutomatonBox? { fields.automaton }

    /// A plain path.
    public init(_ access: Access, _ path: CanonicalPath, aliases: [PathEntry] = []) {
        fields = Fields(access: access, text: path.value, base: path, glob: nil, automaton: nil,
                        aliases: PathEntry.distinct(aliases, besides: path.value))
    }

    /// A glob whose leading wildcard-free components are `base` (already
    /// canonical) and whose `pattern` is absolute and starts with `base`.
    public init(_ access: Access, pattern: String, base: CanonicalPath, aliases: [PathEntry] = []) throws {
        let glob = try Glob(absolute: pattern)
        fields = Fields(access: access, text: pattern, base: base, glob: glob,
                        automaton: AutomatonBox(PatternAutomaton(glob.components)),
                        aliases: PathEntry.distinct(aliases, besides: pattern))
    }

    /// The same entry with `more` names (merged with its own).
    public func adding(aliases more: [PathEntry]) -> PathEntry {
        var copy = PathEntry(copying: self)
        copy.setAliases(PathEntry.distinct(aliases + more.flatMap(\.names), besides: text))
        return copy
    }

    public var isGlob: Bool { fields.automaton != nil }          // a glob has one, a path none
    public var description: String { (access == .read ? "read " : "") + text }

    /// The principal name, then the aliases: every name of the entry's files.
    public var names: [PathEntry] { [PathEntry(copying: self, keepingAliases: false)] + aliases }

    /// True when the two entries conflict: their path sets intersect (under
    /// any of their names) and at least one of them writes.
    public func conflicts(with other: PathEntry) -> Bool {
        conflicts(with: other, budget: nil) ?? true
    }

    /// `conflicts(with:)` within `budget` (one step per pair of names, one
    /// per state of a glob product); nil when the budget ran out first.
    func conflicts(with other: PathEntry, budget: OverlapBudget?) -> Bool? {
        if access == .read && other.access == .read { return false }
        return covers(commonPathWith: other, budget: budget)
    }

    /// True when some path lies in both entries' sets (access aside), under
    /// any name of each.
    public func covers(commonPathWith other: PathEntry) -> Bool {
        covers(commonPathWith: other, budget: nil) ?? true
    }

    private func covers(commonPathWith other: PathEntry, budget: OverlapBudget?) -> Bool? {
        for mine in aliases.isEmpty ? [self] : names {
            for theirs in other.aliases.isEmpty ? [other] : other.names {
                if let budget, !budget.spend() { return nil }
                guard let covered = mine.nameCovers(theirs, budget: budget) else { return nil }
                if covered { return true }
            }
        }
        return false
    }

    /// `covers` for the principal names alone.
    private func nameCovers(_ other: PathEntry, budget: OverlapBudget?) -> Bool? {
        guard base.overlaps(other.base) else { return false }      // both sets lie within their bases
        if glob == nil && other.glob == nil { return true }
        return automaton.intersects(other.automaton, budget: budget)
    }

    /// True when `path` lies in this entry's set under any of its names: it is
    /// matched, or lies beneath a match.
    public func contains(_ path: CanonicalPath) -> Bool {
        names.contains { $0.nameContains(path) }
    }

    private func nameContains(_ path: CanonicalPath) -> Bool {
        guard let glob else { return path.isWithin(base) }
        return path.isWithin(base) && PatternAutomaton(glob.components).accepts(path.value.utf8)
    }

    private init(copying other: PathEntry, keepingAliases: Bool = true) {
        fields = keepingAliases || other.aliases.isEmpty ? other.fields : other.fields.with(aliases: [])
    }

    private mutating func setAliases(_ names: [PathEntry]) {
        self = PathEntry(fields: fields.with(aliases: names))
    }

    private init(fields: Fields) {
        self.fields = fields
    }

    /// `names` without their own aliases, without `principal`, each once, sorted.
    private static func distinct(_ names: [PathEntry], besides principal: String) -> [PathEntry] {
        if names.isEmpty { return [] }
        var seen: Set<String> = [principal]
        return names.map { PathEntry(copying: $0, keepingAliases: false) }
            .filter { seen.insert(($0.isGlob ? "g " : "") + $0.text).inserted }.sorted()
    }

    private var automaton: PatternAutomaton {
        if let globAutomaton { return globAutomaton.automaton }
        let parts = base.isRoot ? [] : base.value.utf8.dropFirst().split(separator: UInt8(ascii: "/"))
        return PatternAutomaton(parts.map { .segment($0.map { .bytes(ByteSet($0)) }) })
    }

    /// Storage form: "w " or "r ", then for each name ("g " for a glob, then
    /// the path or pattern), separated by tabs; the principal name first.
    /// Names hold no control characters (they are refused in paths), so
    /// neither tabs nor newlines can be part of one; identity names
    /// (`PathEntry.identityRoot`) start with a byte no path may hold.
    public var encoded: String {
        if aliases.isEmpty { return (access == .write ? "w " : "r ") + (isGlob ? "g " : "") + text }
        return (access == .write ? "w " : "r ") + names.map { ($0.isGlob ? "g " : "") + $0.text }.joined(separator: "\t")
    }

    /// Reads the storage form back; each glob's `base` is recomputed.
    public init(encoded: String) throws {
        // Compared as bytes: the prefixes are ASCII, and Character views are slow.
        let bytes = encoded.utf8
        let access: Access = bytes.first == UInt8(ascii: "r") ? .read : .write
        // One plain path (the usual entry): no names to split.
        if !bytes.dropFirst(2).starts(with: "g ".utf8) && !bytes.contains(UInt8(ascii: "\t")) {
            self.init(access, CanonicalPath(canonical: String(decoding: bytes.dropFirst(2), as: UTF8.self)))
            return
        }
        let names = try bytes.dropFirst(2).split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
            .map { name -> PathEntry in
                guard name.starts(with: "g ".utf8) else {
                    return PathEntry(access, CanonicalPath(canonical: String(decoding: name, as: UTF8.self)))
                }
                let pattern = String(decoding: name.dropFirst(2), as: UTF8.self)
                return try PathEntry(access, pattern: pattern, base: PathEntry.literalBase(of: pattern))
            }
        self.init(copying: names[0])
        if names.count > 1 { setAliases(PathEntry.distinct(Array(names.dropFirst()), besides: text)) }
    }

    /// The storage form of each distinct base among the entry's names: the
    /// index rows a store keeps for it, so that an overlap query finds it
    /// under any name.
    public var indexBases: [CanonicalPath] {
        if aliases.isEmpty { return [base] }
        var seen: Set<CanonicalPath> = []
        return names.map(\.base).filter { seen.insert($0).inserted }
    }

    /// Identity names (an inode, a filesystem's root seen through a mount)
    /// live under this component, which no path may hold (it starts with a
    /// control character): they overlap only each other, and "/".
    public static let identityRoot = "/\u{1}"

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

/// An entry's fields, shared by its copies. Immutable: thread-safe.
private final class Fields: Sendable {
    let access: Access
    let text: String
    let base: CanonicalPath
    let glob: Glob?
    let automaton: AutomatonBox?
    let aliases: [PathEntry]

    init(access: Access, text: String, base: CanonicalPath, glob: Glob?, automaton: AutomatonBox?,
         aliases: [PathEntry]) {
        self.access = access
        self.text = text
        self.base = base
        self.glob = glob
        self.automaton = automaton
        self.aliases = aliases
    }

    func with(aliases: [PathEntry]) -> Fields {
        Fields(access: access, text: text, base: base, glob: glob, automaton: automaton, aliases: aliases)
    }
}

/// A glob's automaton, shared by the copies of its entry. Immutable: thread-safe.
private final class AutomatonBox: Sendable {
    let automaton: PatternAutomaton

    init(_ automaton: PatternAutomaton) { self.automaton = automaton }
}
