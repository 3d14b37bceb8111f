import Foundation
import Testing
import WirEngine
@testable import WirRegistry

/// File modes, who may end whose claim, and how SQL is built.
@Suite struct SecurityTests {
    let dir = TempDir()

    func mode(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_mode & 0o7777) : -1
    }

    @Test func aRegistryIsPrivateByDefault() throws {
        let registry = try Registry(path: dir.file("private/nested/registry.db"))
        _ = try registry.claim(ClaimSpec(writes: [dir.file("f")]))
        #expect(mode(dir.file("private/nested/registry.db")) == 0o600)
        #expect(mode(dir.file("private/nested/registry.db-wal")) == 0o600)
        #expect(mode(dir.file("private")) == 0o700 && mode(dir.file("private/nested")) == 0o700)
    }

    @Test func aRegistryCanBeSharedWithAGroup() throws {
        let registry = try Registry(path: dir.file("team/registry.db"), sharedWithGroup: true)
        _ = try registry.claim(ClaimSpec(writes: [dir.file("f")]))
        #expect(mode(dir.file("team")) == 0o2770, "setgid, so new files take the directory's group")
        #expect(mode(dir.file("team/registry.db")) == 0o660)
        #expect(mode(dir.file("team/registry.db-wal")) == 0o660 && mode(dir.file("team/registry.db-shm")) == 0o660)
    }

    @Test func anAdministratorCanForceAReleaseAndTheHistorySaysWho() throws {
        let registry = try Registry(path: dir.file("registry.db"))
        let outcome = try registry.claim(ClaimSpec(taskID: "stuck", writes: [dir.file("f")]))
        guard case .admitted = outcome.result else { Issue.record("\(outcome.result)"); return }
        try registry.forceRelease(taskID: "stuck")
        let ended = try #require(try registry.history().last)
        #expect(ended.reason == .forced && ended.forcedBy.contains("uid \(getuid())") && ended.forcedBy.contains("pid"))
        #expect(throws: WirError.self) { try registry.forceRelease(taskID: "stuck") }
    }

    @Test func someoneElseCannotForceARelease() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            Issue.record("needs root and setpriv to act as another user")
            return
        }
        // A world-writable registry that root owns: nobody (65534) may use it, but not force releases.
        let shared = dir.file("open")
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
        chmod(dir.path, 0o755)
        chmod(shared, 0o777)
        let path = shared + "/registry.db"
        let registry = try Registry(path: path)
        chmod(path, 0o666)
        _ = try registry.claim(ClaimSpec(taskID: "roots", writes: [dir.file("f")]))
        chmod(path + "-wal", 0o666)
        chmod(path + "-shm", 0o666)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups",
                             BuiltProducts.directory + "/wir-cli", "release", "roots", "--force", "--registry", path]
        let err = Pipe()
        process.standardError = err
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 77, "\(message)")
        #expect(message.contains("needs root or the registry's owner"))
        #expect(try registry.inFlight().claims.map(\.0.taskID) == ["roots"], "nothing changed")
    }

    /// Every SQL statement binds its values. Cached statements take a
    /// `StaticString`, so they cannot interpolate at all; elsewhere SQL may
    /// interpolate only constants: the application id, the schema versions, the
    /// PostgreSQL lock statement and claim columns, and validated, quoted
    /// identifiers (the schema, its LISTEN channel). Arrays and values go in
    /// bound parameters (`PostgresArray`).
    @Test func sqlIsNeverBuiltFromValues() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources")
        let allowed: Set<String> = ["Self.claimColumns", "PostgresSchema.lockStatement", "applicationID",
                                    "latestVersion", "schema.quoted", "channel"]
        var expressions = 0
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
        for case let file as URL in files where file.pathExtension == "swift" {
            let (findings, sql) = SQLInterpolationScanner.scan(try String(contentsOf: file, encoding: .utf8))
            expressions += sql
            for finding in findings {
                #expect(allowed.contains(finding.code),
                        "\(file.lastPathComponent):\(finding.line): SQL interpolates '\(finding.code)'")
            }
        }
        #expect(expressions >= 50, "the scan must see the SQL it guards (saw \(expressions) statements)")
    }

    /// The scanner sees interpolations in multi-line literals, in literals
    /// joined by `+` whose SQL keyword is in another part, and inside nested
    /// parentheses; it ignores comments and messages without SQL.
    @Test func theSQLScannerSeesEveryInterpolation() {
        let source = #"""
            let a = "WITH locked AS MATERIALIZED (\(PostgresSchema.lockStatement)) "
                + "SELECT x FROM t WHERE y = '\(value)'"
            let b = """
                DELETE FROM claims
                WHERE task_id = '\(task.id(for: (1, 2)))'
                """
            // "SELECT \(commented)"
            let c = "cannot open '\(path)'"
            let d = "prefix \(first) " +
                "UPDATE t SET v = \(second)"
            let e = "EXPLAIN " + query.text + message
            let f = table + " WHERE x = 1"
            var g = ""
            g += "SELECT 1"
            """#
        let (findings, sql) = SQLInterpolationScanner.scan(source)
        #expect(sql == 6)
        #expect(findings.map(\.code) == ["PostgresSchema.lockStatement", "value", "task.id(for: (1, 2))", "first", "second",
                                         "query.text", "table"])
        #expect(findings.map(\.line) == [1, 2, 5, 9, 10, 11, 12])
    }
}
