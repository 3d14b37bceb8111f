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
        #expect(CanonicalPath(lexical: "/é/ü/x")!.selfAndAncestors.map(\.value) == ["/", "/é", "/é/ü", "/é/ü/x"])
    }

    /// NFC "é" and NFD "e + U+0301" are equal Swift Strings but name different
    /// files: paths and entries compare, hash and sort by bytes.
    @Test func unicodeEquivalentSpellingsStayDistinct() throws {
        let composed = CanonicalPath(lexical: "/caf\u{E9}")!, decomposed = CanonicalPath(lexical: "/cafe\u{301}")!
        #expect(composed.value == decomposed.value, "Swift's String == folds them")
        #expect(composed != decomposed)
        #expect(Set([composed, decomposed]).count == 2)
        #expect(decomposed < composed, "0x65 ('e') sorts before 0xC3")
        let entries = [PathEntry(.write, composed), PathEntry(.write, decomposed)]
        #expect(Set(entries).count == 2)
        #expect(entries.sorted().map(\.base) == [decomposed, composed])
        #expect(PathEntry(.read, composed) < PathEntry(.write, composed), "read before write on equal text")
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
