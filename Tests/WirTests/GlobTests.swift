import Testing
import WirEngine
import WirOracle

/// An entry from text: a glob if it has wildcards, else a plain path.
func entry(_ text: String, _ access: Access = .write) throws -> PathEntry {
    Glob.isPattern(text)
        ? try PathEntry(access, pattern: text, base: PathEntry.literalBase(of: text))
        : PathEntry(access, CanonicalPath(lexical: text)!)
}

@Suite struct GlobTests {
    @Test(arguments: [
        ("/src/a*.py", "/src/*b.py", true),
        ("/**/*.py", "/src/**", true),
        ("/src/*.py", "/src/*.txt", false),
        ("/src", "/src/**/x", true),
        ("/src/*", "/src/lib/deep/file.c", true),
        ("/src/*.py", "/src/lib/x.py", false),
        ("/src/*.py", "/src", true),
        ("/src/*.py", "/src.py", false),
        ("/a/?/c", "/a/b/c", true),
        ("/a/?/c", "/a/bb/c", false),
        ("/a/[bc]/d", "/a/c/d", true),
        ("/a/[!bc]/d", "/a/c/d", false),
        ("/a/[^bc]/d", "/a/x/d", true),
        ("/a/[[:digit:]]*", "/a/7up", true),
        ("/a/[[:digit:]]*", "/a/up7", false),
        ("/a/\\*", "/a/b", false),
        ("/a/\\*", "/a/[*]", true),
        ("/a/**/b", "/a/b", true),
        ("/a/**/b", "/a/x/y/b", true),
        ("/a/**/b", "/a/x/y/c", true),          // /a/x/y/c/b lies beneath the plain path
        ("/a/**/b", "/c/b", false),
        ("/a/*.py", "/a/x.txt", false),
        ("/a/**", "/a", true),
        ("/a/**", "/b", false),
        ("/a/**", "/ab/c", false),
        ("/**", "/anything", true),
        ("/", "/x/*.c", true),
        ("/src/*/test", "/src/lib/test/unit.c", true),
        ("/src/*/test", "/src/lib/other", false),
        ("/x/a*b*c", "/x/abc", true),
        ("/x/a*b*c", "/x/acb", false),
        ("/x/*.[ch]", "/x/*.py", false),
        ("/x/*.[ch]", "/x/main.c", true),
        ("/x/[a-c]*", "/x/[d-f]*", false),
        ("/x/[a-c]*", "/x/[c-f]*", true),
        ("/x/[z-a]", "/x/y", false),             // a reversed range adds nothing, as in git...
        ("/x/[z-a]", "/x/z", true),              // ...but its first byte still matches by itself
        ("/x/.*", "/x/[.][.]", false),           // they meet only on "..", which is no file name
        ("/x/.*", "/x/.git", true),
        ("/a/b*", "/a/b/c", true),
        ("/a/**/*.md", "/a/docs/readme.md", true),
        ("/a/*/b", "/a/c", true),
        ("/a/*/b", "/a/c/d", false),
        ("/a/b", "/a/b/**", true),
        ("/a/x\\[1\\]", "/a/x[1]", false),       // "x[1]" literally vs "x1"
        ("/a/[]]x", "/a/]x", true),
        ("/a/[!]]x", "/a/]x", false),
        ("/a/**/b/**", "/a/q/b", true),
        ("/a/*/*", "/a/b", true),
        ("/a/**b", "/a/xb", true),               // "**" not a whole component is "*"
        ("/a/**b", "/a/x/b", false),
    ])
    func overlapTable(a: String, b: String, overlaps: Bool) throws {
        let x = try entry(a), y = try entry(b)
        #expect(x.conflicts(with: y) == overlaps, "\(a) vs \(b)")
        #expect(y.conflicts(with: x) == overlaps, "\(b) vs \(a)")
    }

    @Test func readsNeverConflictWithReads() throws {
        #expect(!(try entry("/a", .read)).conflicts(with: try entry("/a/b", .read)))
        #expect(try entry("/a/*.py", .read).conflicts(with: try entry("/a/x.py", .write)))
        #expect(try entry("/a/x.py", .write).conflicts(with: try entry("/a/*.py", .read)))
        #expect(!(try entry("/a/*.py", .read)).conflicts(with: try entry("/a/*.txt", .write)))
    }

    @Test(arguments: ["/a/[bc", "/a/b\\", "/a/[[:nope:]]x", "/a/[!"])
    func malformedPatternsAreRefused(pattern: String) {
        #expect(throws: WirError.self) { try Glob(absolute: pattern) }
    }

    @Test func containsIsMatchOrBeneath() throws {
        let glob = try entry("/src/*.py")
        #expect(glob.contains(CanonicalPath(lexical: "/src/a.py")!))
        #expect(glob.contains(CanonicalPath(lexical: "/src/a.py/inner")!))
        #expect(!glob.contains(CanonicalPath(lexical: "/src")!))
        #expect(!glob.contains(CanonicalPath(lexical: "/src/lib/a.py")!))
        #expect(try entry("/src").contains(CanonicalPath(lexical: "/src/x")!))
        #expect(try !entry("/src/x").contains(CanonicalPath(lexical: "/src")!))
    }

    @Test func literalBaseStopsAtTheFirstWildcard() {
        #expect(PathEntry.literalBase(of: "/src/lib/*.c").value == "/src/lib")
        #expect(PathEntry.literalBase(of: "/\u{31F}/x/*").value == "/\u{31F}/x", "bytes, not Characters")
        #expect(PathEntry.literalBase(of: "/**/x").value == "/")
        #expect(PathEntry.literalBase(of: "/a/b\\*c/d").value == "/a")
    }

    @Test func encodingRoundTrips() throws {
        for text in ["/a/b", "/a/*.py", "/"] {
            for access in Access.allCases {
                let original = try entry(text, access)
                #expect(try PathEntry(encoded: original.encoded) == original)
            }
        }
    }

    /// Pairs of small random patterns over {a, b} (up to 2 components of up to
    /// 2 atoms) are checked against brute force: all canonical paths of up to
    /// 3 components of 1-2 bytes over {a, b, c} ("c" stands for every other
    /// byte), which holds a witness for every overlapping pair of that size.
    @Test func agreesWithBruteForceOnASmallAlphabet() throws {
        var random = SplitMix(seed: 12684)
        let atoms = ["a", "b", "?", "*", "[ab]", "[!a]"]
        func pattern() -> String {
            let count = 1 + Int(random.next() % 2)
            return "/" + (0..<count).map { _ -> String in
                if random.next() % 5 == 0 { return "**" }
                return (0..<(1 + Int(random.next() % 2))).map { _ in atoms[Int(random.next() % 6)] }.joined()
            }.joined(separator: "/")
        }
        var checked = 0, overlapping = 0
        for _ in 0..<300 {
            let p = pattern(), q = pattern()
            let expected = Reference.overlap(p, q)
            #expect(try entry(p).conflicts(with: try entry(q)) == expected, "\(p) vs \(q)")
            checked += 1
            if expected { overlapping += 1 }
        }
        #expect(overlapping > 20 && overlapping < checked - 20, "the sample must hold both answers")
    }
}
