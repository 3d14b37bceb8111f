import Testing
import WirEngine

@Suite struct CanonicalPathTests {
    @Test(arguments: [
        ("/", "/"), ("//", "/"), ("/a/b", "/a/b"), ("/a//b///c", "/a/b/c"), ("/a/b/", "/a/b"),
        ("/a/./b/.", "/a/b"), ("/a/b/../c", "/a/c"), ("/..", "/"), ("/a/../../b", "/b"),
        ("/a/b/..", "/a"), ("/a/.../b", "/a/.../b"), ("/é/x", "/é/x"),
        // A combining mark after '/' makes one Swift Character, but '/' still separates (found by fuzzing).
        ("/\u{31F}/./x", "/\u{31F}/x"), ("/a/\u{301}/../b", "/a/b"), ("/\u{31F}//", "/\u{31F}"),
    ])
    func foldsLexically(input: String, expected: String) {
        #expect(CanonicalPath(lexical: input)?.value == expected)
    }

    @Test func relativePathsAreNotCanonical() {
        #expect(CanonicalPath(lexical: "a/b") == nil)
        #expect(CanonicalPath(lexical: "") == nil)
    }

    @Test(arguments: [
        ("/data", "/data", true), ("/data", "/data/x", true), ("/data/x", "/data", true),
        ("/data", "/data.db", false), ("/data", "/dat", false), ("/data/x", "/data/y", false),
        ("/", "/anything/at/all", true), ("/", "/", true), ("/a/b/c", "/a/b/c/d/e", true),
        ("/a-b", "/a/b", false), ("/a", "/a0", false),
    ])
    func overlapIsBySubtree(a: String, b: String, overlaps: Bool) {
        let x = CanonicalPath(lexical: a)!, y = CanonicalPath(lexical: b)!
        #expect(x.overlaps(y) == overlaps)
        #expect(y.overlaps(x) == overlaps)
    }

    @Test func ancestorsAreListedRootFirst() {
        #expect(CanonicalPath(lexical: "/a/b/c")!.selfAndAncestors.map(\.value) == ["/", "/a", "/a/b", "/a/b/c"])
        #expect(CanonicalPath(lexical: "/")!.selfAndAncestors.map(\.value) == ["/"])
        for path in ["/", "/a", "/a/bc/d", "/é/ü/x"].map({ CanonicalPath(lexical: $0)! }) {
            let prefixes = path.selfAndAncestorLengths.map { String(decoding: Array(path.value.utf8)[..<$0], as: UTF8.self) }
            #expect(prefixes == path.selfAndAncestors.map(\.value))
        }
    }

    @Test func descendantRangeHoldsExactlyTheSubtree() {
        let range = CanonicalPath(lexical: "/data")!.descendantRange
        func inside(_ s: String) -> Bool {
            s.utf8.lexicographicallyPrecedes(range.upper.utf8)
                && range.lower.utf8.lexicographicallyPrecedes(s.utf8)
        }
        #expect(inside("/data/x") && inside("/data/~~~") && inside("/data/\u{10FFFF}"))
        #expect(!inside("/data") && !inside("/data.db") && !inside("/data0") && !inside("/datb"))
        let root = CanonicalPath(lexical: "/")!.descendantRange
        #expect(root.lower.utf8.lexicographicallyPrecedes("/a".utf8) && !root.lower.utf8.lexicographicallyPrecedes("/".utf8))
    }

    @Test func equalityIsByBytesNotUnicodeEquivalence() {
        let composed = CanonicalPath(lexical: "/caf\u{E9}")!
        let decomposed = CanonicalPath(lexical: "/cafe\u{301}")!
        #expect(composed != decomposed, "two spellings are two different files on Linux")
        #expect(!composed.overlaps(decomposed))
    }
}
