import Foundation
import Testing
import WirEngine
@testable import WirHost
@testable import WirRegistry

@Suite(.serialized) struct PathResolverTests {
    let dir = TempDir()

    func resolve(_ path: String) throws -> String { try PathResolver.canonicalize(path).value }

    @Test func relativePathsResolveAgainstTheWorkingDirectory() throws {
        let previous = FileManager.default.currentDirectoryPath
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        try FileManager.default.createDirectory(atPath: dir.file("work/sub"), withIntermediateDirectories: true)
        _ = FileManager.default.changeCurrentDirectoryPath(dir.file("work/sub"))
        #expect(try resolve("state.json") == dir.file("work/sub/state.json"))
        #expect(try resolve("../x//y/./") == dir.file("work/x/y"))
        #expect(try resolve(".") == dir.file("work/sub"))
    }

    @Test func differentSpellingsOfOneFileCollide() throws {
        try FileManager.default.createDirectory(atPath: dir.file("data"), withIntermediateDirectories: true)
        let spellings = [dir.file("data/cache.db"), dir.path + "//data/./cache.db",
                         dir.file("data/../data/cache.db"), dir.file("data/sub/../cache.db/")]
        #expect(Set(try spellings.map(resolve)) == [dir.file("data/cache.db")])
    }

    @Test func symlinksResolveForTheExistingPart() throws {
        try FileManager.default.createDirectory(atPath: dir.file("real/inner"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir.file("link"), withDestinationPath: "real")
        try FileManager.default.createSymbolicLink(atPath: dir.file("abs"), withDestinationPath: dir.file("real/inner"))
        #expect(try resolve(dir.file("link/new-file")) == dir.file("real/new-file"))
        #expect(try resolve(dir.file("abs/x/y")) == dir.file("real/inner/x/y"))
        // ".." after a symlink climbs from the link's target, as the kernel does.
        #expect(try resolve(dir.file("abs/../z")) == dir.file("real/z"))
    }

    @Test func aDanglingSymlinkResolvesToItsTarget() throws {
        try FileManager.default.createSymbolicLink(atPath: dir.file("dangling"), withDestinationPath: "missing/file")
        #expect(try resolve(dir.file("dangling")) == dir.file("missing/file"))
    }

    @Test func symlinkLoopsAreAnError() throws {
        try FileManager.default.createSymbolicLink(atPath: dir.file("loop1"), withDestinationPath: "loop2")
        try FileManager.default.createSymbolicLink(atPath: dir.file("loop2"), withDestinationPath: "loop1")
        #expect(throws: WirError.self) { try resolve(dir.file("loop1/x")) }
        do { _ = try resolve(dir.file("loop1")) } catch let error as WirError {
            #expect(error.code == .unresolvablePath)
        }
    }

    @Test func emptyAndOverlongPathsAreInvalid() throws {
        #expect(throws: WirError(.invalidArgument, "a path is empty")) { try resolve("") }
        #expect(throws: WirError.self) { try resolve("/" + String(repeating: "a", count: 5000)) }
        #expect(throws: WirError(.invalidArgument, "a path contains a control character (such as a newline)")) {
            try resolve(dir.file("two\nlines"))
        }
    }
}
