import CWir
import Foundation
import Testing
import WirEngine
import WirOracle
@testable import WirRegistry
@testable import WirSQLite

/// Faults: kill -9 at random moments (mid-transaction, mid-migration), a
/// read-only or full filesystem, a deleted WAL, a long foreign write lock.
@Suite struct FaultTests {
    let dir = TempDir()

    func integrity(_ path: String) throws -> String {
        try SQLiteStore(path: path).diagnose().first { $0.name == "integrity" }?.value ?? "?"
    }

    /// Runs `sh -c script` in a private mount namespace (to mount without touching the host).
    func inMountNamespace(_ script: String) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = ["--mount", "sh", "-c", script]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test func killNineAtRandomMomentsLeavesASoundRegistry() throws {
        let path = dir.file("registry.db")
        var lastToken: Int64 = 0
        var random = SplitMix(seed: 9)
        for round in 0..<25 {
            let workers = try (0..<3).map { index in
                try Child(BuiltProducts.probe, ["torture", path, dir.file("tree"), "100000", "\(round * 3 + index)"])
            }
            usleep(UInt32(20_000 + random.next() % 60_000))   // somewhere inside claims, releases, queue waits
            for worker in workers { kill(worker.pid, SIGKILL) }
            workers.forEach { $0.process.waitUntilExit() }
            #expect(try integrity(path) == "ok", "round \(round)")
            // The next claim over everything reaps the dead owners' claims and waiters, and is admitted.
            let registry = try Registry(path: path)
            let outcome = try registry.claim(ClaimSpec(taskID: "after-\(round)", writes: [dir.file("tree")], policy: .refuse))
            guard case .admitted(let record, _, _) = outcome.result else {
                Issue.record("round \(round): \(outcome.result)")
                return
            }
            #expect(record.token > lastToken, "tokens only grow, across crashes")
            lastToken = record.token
            try registry.release(taskID: record.taskID, key: record.key, outcome: .completed)
            #expect(try registry.inFlight().claims.isEmpty && registry.inFlight().waiters.isEmpty, "round \(round)")
        }
    }

    @Test func killNineDuringMigrationNeverLeavesAHalfMigratedFile() throws {
        for round in 0..<12 {
            let path = dir.file("v1-\(round).db")
            try makeVersionOneRegistry(at: path, paths: ["/a"])
            let opener = try Child(BuiltProducts.probe, ["hold", path, "new", dir.file("x-\(round)")])
            usleep(UInt32(round * 1500))                // before, during or after the migration
            kill(opener.pid, SIGKILL)
            opener.process.waitUntilExit()
            let store = try SQLiteStore(path: path)       // migrates if the killed one did not finish
            #expect(try store.schemaVersion() == SQLiteSchema.latestVersion)
            #expect(try integrity(path) == "ok")
            #expect(try store.read { try $0.entries(taskID: "old") } == [try entry("/a")], "round \(round)")
        }
    }

    @Test func aReadOnlyFilesystemGivesIOAndNoClaim() throws {
        let area = dir.file("ro")
        try FileManager.default.createDirectory(atPath: area, withIntermediateDirectories: true)
        _ = try Registry(path: area + "/registry.db")
        let wir = BuiltProducts.directory + "/wir-cli"
        let (status, output) = try inMountNamespace(
            "mount --bind \(area) \(area) && mount -o remount,bind,ro \(area) && "
            + "WIR_REGISTRY=\(area)/registry.db \(wir) run --writes \(dir.file("f")) -- true")
        #expect(status == 74, "\(output)")
        #expect(output.contains("registry") && output.split(separator: "\n").count == 1, "\(output)")
        #expect(try Registry(path: area + "/registry.db").inFlight().claims.isEmpty)
    }

    @Test func aFullDiskGivesIOAndNoPartialClaim() throws {
        let area = dir.file("full")
        try FileManager.default.createDirectory(atPath: area, withIntermediateDirectories: true)
        let wir = BuiltProducts.directory + "/wir-cli"
        let many = (0..<400).map { "--writes \(dir.file("p/\($0)-" + String(repeating: "x", count: 200)))" }.joined(separator: " ")
        let (status, output) = try inMountNamespace("""
            mount -t tmpfs -o size=300k tmpfs \(area) && export WIR_REGISTRY=\(area)/registry.db &&
            \(wir) run --writes \(dir.file("small")) -- true &&
            dd if=/dev/zero of=\(area)/filler bs=4k 2>/dev/null; \(wir) run \(many) -- true; echo "status=$?";
            rm -f \(area)/filler; \(wir) ls --json; \(wir) doctor --json
            """)
        #expect(status == 0, "\(output)")
        #expect(output.contains("status=74"), "a full disk is an I/O error: \(output)")
        #expect(output.contains("full"), "the message says the disk is full: \(output)")
        #expect(output.contains("(claim for task 'task-"), "and names the generated task id, to retry under: \(output)")
        #expect(output.contains("{\"claims\":[],\"waiters\":[]}"), "no partial claim: \(output)")
        #expect(output.contains("\"integrity\":\"ok\""), "\(output)")
    }

    @Test func aDeletedWALGivesAClearErrorUntilTheLastUserCloses() throws {
        let path = dir.file("registry.db")
        do {
            let registry = try Registry(path: path)
            _ = try registry.claim(ClaimSpec(taskID: "before", writes: [dir.file("a")]))
            try FileManager.default.removeItem(atPath: path + "-wal")
            // The live handle keeps its open log: it goes on working, or says why not.
            do {
                _ = try registry.claim(ClaimSpec(taskID: "after", writes: [dir.file("b")]))
            } catch let error as WirError {
                #expect(!error.message.isEmpty)
            }
            // A new user meanwhile gets an I/O error that says what happened.
            var reg: OpaquePointer?
            let status = wir_open(&reg, path)
            if status != WIR_OK {
                #expect(status == WIR_EIO)
                #expect(String(cString: wir_errmsg()).contains("write-ahead log"), "\(String(cString: wir_errmsg()))")
            }
            wir_close(reg)
        }
        // Once the last user has closed it, the registry is sound and keeps what was committed.
        #expect(try integrity(path) == "ok")
        let claims = try Registry(path: path).inFlight().claims.map(\.0.taskID)
        #expect(claims.contains("before"))
    }

    @Test func aLongForeignWriteLockGivesBusyAndNoClaim() throws {
        let path = dir.file("registry.db")
        var reg: OpaquePointer?
        #expect(wir_open(&reg, path) == WIR_OK)
        defer { wir_close(reg) }
        let blocker = try SQLiteConnection(path: path, busyTimeoutMs: 100)
        try blocker.execute("BEGIN IMMEDIATE")
        let target = strdup(dir.file("f"))
        defer { free(target) }
        let status = [UnsafePointer(target)].withUnsafeBufferPointer { buffer -> Int32 in
            var options = wir_claim_opts()
            options.version = UInt32(WIR_CLAIM_OPTS_VERSION)
            options.writes = buffer.baseAddress
            options.n_writes = 1
            var out: OpaquePointer?
            defer { wir_claim_free(out) }
            return wir_claim(&out, reg, &options)
        }
        #expect(status == WIR_EBUSY)
        #expect(String(cString: wir_errmsg()).contains("locked"))
        try blocker.execute("ROLLBACK")
        var text: UnsafeMutablePointer<CChar>?
        #expect(wir_inflight_json(&text, reg) == WIR_OK && String(cString: text!) == "{\"claims\":[],\"waiters\":[]}")
        wir_free(text)
    }
}
