/// An independent matcher for globs, by components, written without the
/// automaton: the oracle of the brute-force test and the glob fuzzer. It
/// understands `a`-style literals, `?`, `*`, `[ab]`, `[!a]` and `**`.
public enum Reference {
    /// True when `path` (components) is matched by `pattern` or lies beneath a match.
    public static func inSet(_ pattern: String, _ path: [String]) -> Bool {
        let parts = pattern.split(separator: "/").map(String.init)
        return (0...path.count).contains { matches(parts[...], path[..<$0]) }
    }

    static func matches(_ pattern: ArraySlice<String>, _ path: ArraySlice<String>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == "**" {
            if pattern.count == 1 { return !path.isEmpty }
            return (path.startIndex...path.endIndex).contains { matches(pattern.dropFirst(), path[$0...]) }
        }
        guard let head = path.first else { return false }
        return segment(Array(first.utf8)[...], Array(head.utf8)[...]) && matches(pattern.dropFirst(), path.dropFirst())
    }

    static func segment(_ p: ArraySlice<UInt8>, _ t: ArraySlice<UInt8>) -> Bool {
        guard let c = p.first else { return t.isEmpty }
        switch c {
        case UInt8(ascii: "*"):
            return (t.startIndex...t.endIndex).contains { segment(p.dropFirst(), t[$0...]) }
        case UInt8(ascii: "?"):
            return !t.isEmpty && segment(p.dropFirst(), t.dropFirst())
        case UInt8(ascii: "["):
            let close = p.firstIndex(of: UInt8(ascii: "]"))!
            var body = p[(p.startIndex + 1)..<close]
            let negated = body.first == UInt8(ascii: "!")
            if negated { body = body.dropFirst() }
            guard let x = t.first else { return false }
            return body.contains(x) != negated && segment(p[(close + 1)...], t.dropFirst())
        default:
            return t.first == c && segment(p.dropFirst(), t.dropFirst())
        }
    }
}

extension Reference {
    /// Every canonical path of up to 3 components of 1-2 bytes over {a, b, c}
    /// ("c" stands for any other byte): enough to hold a witness for every
    /// overlapping pair of patterns of up to 2 components of up to 2 atoms.
    public static let smallPaths: [[String]] = {
        let names = ["a", "b", "c", "aa", "ab", "ac", "ba", "bb", "bc", "ca", "cb", "cc"]
        var paths: [[String]] = [[]]
        var layer: [[String]] = [[]]
        for _ in 0..<3 {
            layer = layer.flatMap { prefix in names.map { prefix + [$0] } }
            paths += layer
        }
        return paths
    }()

    /// True when some small path lies in both patterns' sets.
    public static func overlap(_ p: String, _ q: String) -> Bool {
        smallPaths.contains { inSet(p, $0) && inSet(q, $0) }
    }
}
