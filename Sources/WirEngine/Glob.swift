/// A path pattern in git's wildmatch dialect with pathname semantics (the
/// dialect of `.gitignore` and `git ls-files --glob-pathspecs`), parsed into
/// components. Matching is on bytes, as git's is: `?` matches one byte.
///
/// - `*`, `?` and bracket expressions never match `/`.
/// - A bracket expression `[...]` takes `!` or `^` for negation, `]` first as
///   a literal, ranges `a-z` (a reversed range matches nothing, as in git),
///   the POSIX classes `[:alnum:]` `[:alpha:]` `[:blank:]` `[:cntrl:]`
///   `[:digit:]` `[:graph:]` `[:lower:]` `[:print:]` `[:punct:]` `[:space:]`
///   `[:upper:]` `[:xdigit:]`, and backslash escapes.
/// - `\x` matches `x`.
/// - `**` as a whole component: `/**/` matches zero or more directories, a
///   trailing `/**` everything beneath. Elsewhere `**` is `*`, as in git.
///
/// Malformed patterns, which git treats as matching nothing, are refused here
/// (a claim that covers nothing is a mistake, not an intent): an unclosed
/// `[`, a trailing backslash, an unknown `[:class:]`. So are `.` and `..`
/// components after the first wildcard, which git never folds.
public struct Glob: Hashable, Sendable {
    public enum Atom: Hashable, Sendable {
        case bytes(ByteSet)     // one byte from the set
        case star               // any run of non-'/' bytes
    }

    public enum Component: Hashable, Sendable {
        case segment([Atom])
        case anyDirectories     // "**" as a whole component
    }

    /// The components after the leading '/'.
    public let components: [Component]

    /// How many wildcards match runs of bytes (`*`, and `**` components):
    /// each is a loop in the glob's automaton.
    public var runWildcards: Int {
        components.reduce(0) { count, component in
            guard case .segment(let atoms) = component else { return count + 1 }
            return count + atoms.filter { $0 == .star }.count
        }
    }

    /// True when `text` must be read as a glob: it holds `*`, `?`, `[` or a
    /// backslash escape. (A file name with a backslash in it is claimed as
    /// a glob that escapes it: `\\`.)
    public static func isPattern(_ text: String) -> Bool {
        text.utf8.contains(where: isWildcardByte)
    }

    /// `*`, `?`, `[` or a backslash.
    public static func isWildcardByte(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "*") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "\\")
    }

    /// Parses an absolute pattern (it starts with '/'; empty components fold).
    public init(absolute pattern: String) throws {
        guard pattern.utf8.first == UInt8(ascii: "/") else {
            throw WirError(.invalidArgument, "glob '\(pattern)' is not absolute")
        }
        try Self.refuseEscapedSlash(pattern)
        var components: [Component] = []
        for part in pattern.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            let bytes = Array(part)
            if bytes == Array("**".utf8) {
                if components.last != .anyDirectories { components.append(.anyDirectories) }
                continue
            }
            components.append(.segment(try Glob.atoms(bytes, in: pattern)))
        }
        self.components = components
    }

    /// Refuses `\/`: a slash always separates components (the pattern is
    /// split at every one), so it cannot be escaped into a file name.
    static func refuseEscapedSlash(_ pattern: String) throws {
        let bytes = Array(pattern.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count {
                if bytes[index + 1] == UInt8(ascii: "/") {
                    throw WirError(.invalidArgument, "glob '\(pattern)' escapes a '/' with a backslash: a slash always "
                                   + "separates components and no file name holds one; write it without the backslash")
                }
                index += 2
            } else {
                index += 1
            }
        }
    }

    /// True when the component `bytes` can match only "." or ".." (`\\.`,
    /// `[.]`, `.[.]` and the like): no canonical path has such a component.
    public static func matchesOnlyDots(_ bytes: [UInt8]) -> Bool {
        guard let atoms = try? atoms(bytes, in: ""), (1...2).contains(atoms.count) else { return false }
        return atoms.allSatisfy { $0 == .bytes(ByteSet(UInt8(ascii: "."))) }
    }

    /// Parses one component's bytes into atoms.
    static func atoms(_ bytes: [UInt8], in pattern: String) throws -> [Atom] {
        var atoms: [Atom] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "*"):
                if atoms.last != .star { atoms.append(.star) }    // "**" inside a component is "*"
                index += 1
            case UInt8(ascii: "?"):
                atoms.append(.bytes(.notSlash))
                index += 1
            case UInt8(ascii: "\\"):
                guard index + 1 < bytes.count else {
                    throw WirError(.invalidArgument, "glob '\(pattern)' ends with a lone backslash")
                }
                atoms.append(.bytes(ByteSet(bytes[index + 1])))
                index += 2
            case UInt8(ascii: "["):
                let (set, next) = try bracket(bytes, from: index, in: pattern)
                atoms.append(.bytes(set))
                index = next
            default:
                atoms.append(.bytes(ByteSet(byte)))
                index += 1
            }
        }
        return atoms
    }

    /// Parses a bracket expression starting at `bytes[start] == "["`; returns
    /// its byte set (never containing '/') and the index after the closing ']'.
    static func bracket(_ bytes: [UInt8], from start: Int, in pattern: String) throws -> (ByteSet, Int) {
        var index = start + 1
        var negated = false
        if index < bytes.count && (bytes[index] == UInt8(ascii: "!") || bytes[index] == UInt8(ascii: "^")) {
            negated = true
            index += 1
        }
        var set = ByteSet()
        var first = true
        var previous: UInt8? = nil          // the last single byte, for a following range
        while true {
            guard index < bytes.count else {
                throw WirError(.invalidArgument, "glob '\(pattern)' has an unclosed '['")
            }
            var byte = bytes[index]
            if byte == UInt8(ascii: "]") && !first { index += 1; break }
            first = false
            if byte == UInt8(ascii: "\\") {
                guard index + 1 < bytes.count else {
                    throw WirError(.invalidArgument, "glob '\(pattern)' has an unclosed '['")
                }
                index += 1
                byte = bytes[index]
            } else if byte == UInt8(ascii: "["), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ":") {
                guard let close = findClassEnd(bytes, from: index + 2) else {
                    // git reads "[:" without ":]" as the literal '['.
                    set.insert(byte)
                    previous = byte
                    index += 1
                    continue
                }
                let name = String(decoding: bytes[(index + 2)..<close], as: UTF8.self)
                guard let members = posixClass(name) else {
                    throw WirError(.invalidArgument, "glob '\(pattern)' names an unknown class '[:\(name):]'")
                }
                for member in 0...255 where members(UInt8(member)) { set.insert(UInt8(member)) }
                previous = nil
                index = close + 2
                continue
            } else if byte == UInt8(ascii: "-"), let low = previous, index + 1 < bytes.count,
                      bytes[index + 1] != UInt8(ascii: "]") {
                var high = bytes[index + 1]
                index += 2
                if high == UInt8(ascii: "\\") {
                    guard index < bytes.count else {
                        throw WirError(.invalidArgument, "glob '\(pattern)' has an unclosed '['")
                    }
                    high = bytes[index]
                    index += 1
                }
                if low <= high { for member in low...high { set.insert(member) } }
                previous = nil
                continue
            }
            set.insert(byte)
            previous = byte
            index += 1
        }
        if negated { set = set.inverted() }
        return (set.intersection(.notSlash), index)
    }

    private static func findClassEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: ":") && bytes[index + 1] == UInt8(ascii: "]") { return index }
            if bytes[index] == UInt8(ascii: "]") { return nil }
            index += 1
        }
        return nil
    }

    /// The C locale's character classes, as git's wildmatch uses them.
    private static func posixClass(_ name: String) -> ((UInt8) -> Bool)? {
        func isUpper(_ c: UInt8) -> Bool { c >= 65 && c <= 90 }
        func isLower(_ c: UInt8) -> Bool { c >= 97 && c <= 122 }
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        func isGraph(_ c: UInt8) -> Bool { c > 32 && c < 127 }
        switch name {
        case "alnum": return { isUpper($0) || isLower($0) || isDigit($0) }
        case "alpha": return { isUpper($0) || isLower($0) }
        case "blank": return { $0 == 32 || $0 == 9 }
        case "cntrl": return { $0 < 32 || $0 == 127 }
        case "digit": return isDigit
        case "graph": return isGraph
        case "lower": return isLower
        case "print": return { $0 >= 32 && $0 < 127 }
        case "punct": return { isGraph($0) && !(isUpper($0) || isLower($0) || isDigit($0)) }
        case "space": return { $0 == 32 || ($0 >= 9 && $0 <= 13) }
        case "upper": return isUpper
        case "xdigit": return { isDigit($0) || ($0 >= 65 && $0 <= 70) || ($0 >= 97 && $0 <= 102) }
        default: return nil
        }
    }
}
