/// An absolute path in canonical form: components separated by single slashes,
/// no `.` or `..`, no trailing slash; the root is "/".
///
/// Equality, hashing and ordering are by UTF-8 bytes, as the kernel and SQLite
/// see paths (Swift's `String ==` would fold Unicode-equivalent spellings that
/// name different files).
public struct CanonicalPath: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let value: String

    /// Wraps a string already in canonical form (as read back from a store).
    public init(canonical value: String) {
        self.value = value
    }

    /// Folds an absolute path lexically: repeated slashes, `.` and `..` (which
    /// stops at the root), trailing slash. Returns nil for a relative path.
    /// Symlinks are not consulted here; see `PathResolver` in WirRegistry.
    ///
    /// Works on UTF-8 bytes: a '/' followed by a combining mark is one Swift
    /// `Character`, but still a separator to the kernel.
    public init?(lexical path: String) {
        guard path.utf8.first == UInt8(ascii: "/") else { return nil }
        var parts: [ArraySlice<UInt8>] = []
        for part in Array(path.utf8).split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            if part.elementsEqual([UInt8(ascii: ".")]) { continue }
            if part.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")]) { _ = parts.popLast(); continue }
            parts.append(part)
        }
        value = String(decoding: [UInt8(ascii: "/")] + Array(parts.joined(separator: [UInt8(ascii: "/")])),
                       as: UTF8.self)
    }

    public var description: String { value }
    public var isRoot: Bool { value.utf8.count == 1 }

    /// This path and every ancestor directory of it, root first.
    public var selfAndAncestors: [CanonicalPath] {
        var result = [CanonicalPath(canonical: "/")]
        if isRoot { return result }
        let bytes = Array(value.utf8)
        for index in 1..<bytes.count where bytes[index] == UInt8(ascii: "/") {
            result.append(CanonicalPath(canonical: String(decoding: bytes[..<index], as: UTF8.self)))
        }
        result.append(self)
        return result
    }

    /// The directory this path lies in; nil for the root.
    public var parent: CanonicalPath? {
        guard !isRoot else { return nil }
        let bytes = Array(value.utf8)
        let slash = bytes.lastIndex(of: UInt8(ascii: "/")) ?? 0
        return CanonicalPath(canonical: slash == 0 ? "/" : String(decoding: bytes[..<slash], as: UTF8.self))
    }

    /// Every path of `paths` and every ancestor of one, each once, in order of
    /// first appearance: what a store looks up for a claim's entries at once.
    public static func selfAndAncestors(ofAll paths: [CanonicalPath]) -> [CanonicalPath] {
        var seen = Set<CanonicalPath>()
        return paths.flatMap(\.selfAndAncestors).filter { seen.insert($0).inserted }
    }

    /// Open byte range (lower, upper) holding the strings of every strict
    /// descendant and nothing else: they start with `self + "/"` (which is
    /// itself never a canonical path, nor is "/" a descendant of the root),
    /// and "0" follows "/" in ASCII.
    public var descendantRange: (lower: String, upper: String) {
        isRoot ? ("/", "0") : (value + "/", value + "0")
    }

    /// True when `self` is a strict ancestor directory of `other`, component-wise.
    public func isAncestor(of other: CanonicalPath) -> Bool {
        let mine = value.utf8, theirs = other.value.utf8
        if isRoot { return theirs.count > 1 }
        guard theirs.count > mine.count, theirs.starts(with: mine) else { return false }
        return theirs[theirs.index(theirs.startIndex, offsetBy: mine.count)] == UInt8(ascii: "/")
    }

    /// True when the two paths' subtrees intersect: equal, or one is an ancestor.
    public func overlaps(_ other: CanonicalPath) -> Bool {
        self == other || isAncestor(of: other) || other.isAncestor(of: self)
    }

    /// True when `self` is `other` or lies beneath it.
    public func isWithin(_ other: CanonicalPath) -> Bool {
        self == other || other.isAncestor(of: self)
    }

    public static func == (a: CanonicalPath, b: CanonicalPath) -> Bool {
        ByteOrder.compare(a.value, b.value) == 0
    }

    public func hash(into hasher: inout Hasher) {
        ByteOrder.hash(value, into: &hasher)
    }

    public static func < (a: CanonicalPath, b: CanonicalPath) -> Bool {
        ByteOrder.compare(a.value, b.value) < 0
    }
}
