import Foundation
import Testing
@testable import WirRegistry
@testable import WirSQLite

/// The torture run at CI size: real processes, random entries, policies, TTLs and
/// crashes, checked by an independent flock witness. `make soak` runs it big.
@Suite struct TortureTests {
    let dir = TempDir()

    @Test func noTwoConflictingClaimsAreEverHeldAtOnce() throws {
        let registryPath = dir.file("registry.db")
        let witness = dir.file("witness")
        try FileManager.default.createDirectory(atPath: witness, withIntermediateDirectories: true)
        let workers = try (0..<4).map { index in
            try Child(BuiltProducts.probe, ["torture", registryPath, dir.file("tree"), witness, "250", "\(index + 7)"])
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
}
