import Foundation
import Testing
@testable import WirRegistry
@testable import WirSQLite

/// The torture run at CI size: real processes, random entries, policies, TTLs and
/// crashes, checked by an independent flock witness. `make soak` runs it big.
@Suite struct TortureTests {
    let dir = TempDir()

    /// Workers claim through every name of the tree (paths, directories, globs, a
    /// symlinked directory, a hard link, and a bind mount where root can make one);
    /// the witness locks the files themselves.
    @Test func noTwoConflictingClaimsAreEverHeldAtOnce() throws {
        let registryPath = dir.file("registry.db")
        let tree = dir.file("tree")
        let bound = bindMount(tree)
        defer { if bound { run("/usr/bin/umount", [tree + "/b3"]) } }
        let workers = try (0..<4).map { index in
            try Child(BuiltProducts.probe, ["torture", registryPath, tree, "250", "\(index + 7)"])
        }
        let outputs = workers.map { worker -> String in
            let (status, output) = worker.finish()
            #expect(status == 0, "\(output)")
            return output
        }
        let totals = WirTests.totals(outputs)
        #expect(totals["violations"] == 0 && totals["errors"] == 0, "\(totals)")
        #expect((totals["admitted"] ?? 0) > 100 && (totals["refused"] ?? 0) > 0, "\(totals)")
        #expect((totals["crashed"] ?? 0) > 0, "some holders must die holding: \(totals)")
        // Afterwards: the file is sound, dead owners' claims go at the next touch, nobody waits.
        let store = try SQLiteStore(path: registryPath)
        #expect(try store.diagnose().first { $0.name == "integrity" }?.value == "ok")
        let registry = try Registry(path: registryPath)
        try registry.reap()
        #expect(try registry.inFlight().claims.isEmpty && registry.inFlight().waiters.isEmpty)
    }

    /// Makes `tree/b3` a bind mount of `tree/d3` if this process may (root); says whether it did.
    func bindMount(_ tree: String) -> Bool {
        for name in ["d3", "b3"] { try? FileManager.default.createDirectory(atPath: tree + "/" + name,
                                                                             withIntermediateDirectories: true) }
        guard getuid() == 0 else { return false }
        return run("/usr/bin/mount", ["--bind", tree + "/d3", tree + "/b3"]) == 0
    }

    @discardableResult
    func run(_ program: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
