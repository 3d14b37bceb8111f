import Testing
import WirEngine

/// What a confined task may write for each kind of entry: the rule
/// `PathEntry.writeGrants` applies, with what is on disk given by a table.
@Suite struct WriteGrantTests {
    /// /d and /d/sub are directories, /d/f is a file; everything else is missing.
    func onDisk(_ path: CanonicalPath) -> WriteGrant.OnDisk {
        switch path.value {
        case "/", "/d", "/d/sub": return .directory
        case "/d/f": return .file
        default: return .missing
        }
    }

    func grants(_ text: String, _ access: Access = .write) throws -> [String] {
        try entry(text, access).writeGrants(onDisk: onDisk).map { "\($0.scope) \($0.path.value)" }
    }

    @Test func aDirectoryGrantsEverythingBeneathIt() throws {
        #expect(try grants("/d/sub") == ["tree /d/sub"])
        #expect(try grants("/") == ["tree /"])
    }

    /// Writing a temporary file and renaming it over the target needs the directory: coarser than the claim.
    @Test func aFileGrantsRegularFilesBeneathItsDirectory() throws {
        #expect(try grants("/d/f") == ["files /d"])
    }

    @Test func aPathThatDoesNotExistYetMayBeCreatedAsAFile() throws {
        #expect(try grants("/d/new.json") == ["files /d"])
        #expect(try grants("/new.json") == ["files /"])
    }

    @Test func aGlobGrantsItsLiteralDirectoryAsADirectory() throws {
        #expect(try grants("/d/sub/*.py") == ["tree /d/sub"])
        #expect(try grants("/d/**/x") == ["tree /d"])
        #expect(try grants("/d/f/*.py").isEmpty, "nothing can lie beneath a file")
    }

    @Test func readsGrantNothing() throws {
        #expect(try grants("/d/sub", .read).isEmpty)
        #expect(try grants("/nowhere/x", .read).isEmpty)
    }

    @Test func nothingToAttachTheGrantToIsAnError() throws {
        for text in ["/nowhere/x", "/nowhere/*.py"] {
            do {
                _ = try grants(text)
                Issue.record("\(text) has nothing on disk to attach a grant to")
            } catch let error as WirError {
                #expect(error.code == .unresolvablePath && error.message.contains(text) && error.message.contains("create"))
            }
        }
    }
}
