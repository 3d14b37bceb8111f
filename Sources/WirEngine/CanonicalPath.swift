#if canImport(Glibc)
import Glibc
#endif
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

    /// Every path of `paths` and every ancestor of one, each once (the paths in
    /// byte order, each after its ancestors): what a store looks up for a claim's
    /// entries at once.
    public static func selfAndAncestors(ofAll paths: [CanonicalPath]) -> [CanonicalPath] {
        if paths.count == 1 { return paths[0].selfAndAncestors }    // distinct already: no set to hash into
        // Each name of the path before it in byte order, and all of those were taken with it
        // (or before): only the others need the set, which then holds each prefix about once.
        var seen = Set<CanonicalPath>()
        var result: [CanonicalPath] = []
        var previous: CanonicalPath?
        for path in paths.sorted() {
            for name in path.selfAndAncestors where !(previous?.isWithin(name) ?? false) && seen.insert(name).inserted {
                result.append(name)
            }
            previous = path
        }
        return result
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
        other.lies(within: self, orAt: false)
    }

    /// True when `self` is `directory` (if `orAt`) or lies beneath it: one
    /// `memcmp` of the bytes (both are canonical: absolute, no trailing slash).
    private func lies(within directory: CanonicalPath, orAt: Bool) -> Bool {
        var mine = value, theirs = directory.value       // withUTF8 needs var; native strings are not copied
        return mine.withUTF8 { path in
            theirs.withUTF8 { above in
                if above.isEmpty { return path.isEmpty ? orAt : path[0] == UInt8(ascii: "/") }
                if above.count == 1 { return orAt || path.count > 1 }          // the root
                guard path.count >= above.count, memcmp(path.baseAddress!, above.baseAddress!, above.count) == 0 else {
                    return false
                }
                return path.count == above.count ? orAt : path[above.count] == UInt8(ascii: "/")
            }
        }
    }

    /// True when the two paths' subtrees intersect: equal, or one is an ancestor.
    public func overlaps(_ other: CanonicalPath) -> Bool {
        self == other || isAncestor(of: other) || other.isAncestor(of: self)
    }

    /// True when `self` is `other` or lies beneath it.
    public func isWithin(_ other: CanonicalPath) -> Bool {
        lies(within: other, orAt: true)
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
