import CWir
import Foundation
import Testing

/// Bad input through the C API, table-driven: every case gives its documented
/// status and a message, nothing crashes, and the registry is unchanged.
@Suite struct BadInputTests {
    let dir = TempDir()

    /// In-flight claims, history and conflict log, as one string.
    func fingerprint(_ reg: OpaquePointer?) -> String {
        var parts: [String] = []
        for call in [{ wir_inflight_json($0, reg) }, { wir_history_json($0, reg, 0, 10_000) },
                     { wir_log_json($0, reg, 0, 10_000) }] as [(UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32] {
            var text: UnsafeMutablePointer<CChar>?
            _ = call(&text)
            parts.append(text.map { String(cString: $0) } ?? "?")
            wir_free(text)
        }
        return parts.joined(separator: "|")
    }

    /// Claims with `writes` (C strings made here; nil stays NULL) after `configure`.
    func claim(_ reg: OpaquePointer?, _ writes: [[CChar]?], configure: (inout wir_claim_opts) -> Void = { _ in })
        -> Int32 {
        let copies = writes.map { $0.map { bytes -> UnsafeMutablePointer<CChar>? in
            let copy = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
            copy.initialize(from: bytes, count: bytes.count)
            copy[bytes.count] = 0
            return copy
        } ?? nil }
        defer { copies.forEach { $0?.deallocate() } }
        return copies.map { UnsafePointer($0) }.withUnsafeBufferPointer { buffer in
            var options = wir_claim_opts()
            options.version = UInt32(WIR_CLAIM_OPTS_VERSION)
            options.writes = buffer.baseAddress
            options.n_writes = buffer.count
            options.timeout_ms = -1
            configure(&options)
            var out: OpaquePointer?
            let status = wir_claim(&out, reg, &options)
            if status == WIR_OK { _ = wir_release(reg, out, WIR_OUTCOME_COMPLETED) }
            wir_claim_free(out)
            return status
        }
    }

    func text(_ s: String) -> [CChar] { Array(s.utf8CString.dropLast()) }

    @Test func theCTable() throws {
        var reg: OpaquePointer?
        #expect(wir_open(&reg, dir.file("registry.db")) == WIR_OK)
        defer { wir_close(reg) }
        let good = text(dir.file("good"))
        // A held claim that bad calls must not disturb, owned by another process (its owner
        // could extend it without the key).
        let owner = try Child("/bin/sleep", ["60"])
        defer { owner.stop() }
        var held: OpaquePointer?
        let heldStatus = [UnsafePointer(strdup(dir.file("held")))].withUnsafeBufferPointer { buffer -> Int32 in
            var options = wir_claim_opts()
            options.version = UInt32(WIR_CLAIM_OPTS_VERSION)
            options.owner_pid = Int64(owner.pid)
            options.task_id = UnsafePointer(strdup("held"))
            options.writes = buffer.baseAddress
            options.n_writes = 1
            return wir_claim(&held, reg, &options)
        }
        #expect(heldStatus == WIR_OK)
        defer { wir_claim_free(held) }
        var released: OpaquePointer?
        _ = [UnsafePointer(strdup(dir.file("gone")))].withUnsafeBufferPointer { buffer -> Int32 in
            var options = wir_claim_opts()
            options.version = UInt32(WIR_CLAIM_OPTS_VERSION)
            options.writes = buffer.baseAddress
            options.n_writes = 1
            return wir_claim(&released, reg, &options)
        }
        _ = wir_release(reg, released, WIR_OUTCOME_COMPLETED)
        defer { wir_claim_free(released) }
        try FileManager.default.createSymbolicLink(atPath: dir.file("loop-a"), withDestinationPath: "loop-b")
        try FileManager.default.createSymbolicLink(atPath: dir.file("loop-b"), withDestinationPath: "loop-a")
        let invalidUTF8: [CChar] = text(dir.file("bad-")) + [CChar(bitPattern: 0xC3), CChar(bitPattern: 0x28)]
        let cases: [(String, Int32, () -> Int32)] = [
            ("NULL registry", WIR_EINVAL, { claim(nil, [good]) }),
            ("NULL opts", WIR_EINVAL, { var out: OpaquePointer?; return wir_claim(&out, reg, nil) }),
            ("NULL out", WIR_EINVAL, { var o = wir_claim_opts(); o.version = 1; return wir_claim(nil, reg, &o) }),
            ("NULL writes with a count", WIR_EINVAL, { claim(reg, [good]) { $0.writes = nil } }),
            ("no writes, no reads", WIR_EINVAL, { claim(reg, []) }),
            ("NULL reads with a count", WIR_EINVAL, { claim(reg, [good]) { $0.n_reads = 3 } }),
            ("a NULL path", WIR_EINVAL, { claim(reg, [good, nil]) }),
            ("an empty path", WIR_EINVAL, { claim(reg, [[]]) }),
            ("invalid UTF-8", WIR_EINVAL, { claim(reg, [invalidUTF8]) }),
            ("a lone continuation byte", WIR_EINVAL, { claim(reg, [[CChar(bitPattern: 0x80)]]) }),
            ("a 64 KiB path", WIR_EINVAL, { claim(reg, [text("/" + String(repeating: "a", count: 65_536))]) }),
            ("a 4097-byte path", WIR_EINVAL, { claim(reg, [text("/" + String(repeating: "b", count: 4096))]) }),
            ("a newline in a path", WIR_EINVAL, { claim(reg, [text(dir.file("two\nlines"))]) }),
            ("a tab in a path", WIR_EINVAL, { claim(reg, [text(dir.file("tab\there"))]) }),
            ("DEL in a path", WIR_EINVAL, { claim(reg, [text(dir.file("del\u{7f}"))]) }),
            ("a symlink loop", WIR_EPATH, { claim(reg, [text(dir.file("loop-a/x"))]) }),
            ("an unclosed bracket", WIR_EINVAL, { claim(reg, [text(dir.file("src/[ab"))]) }),
            ("a trailing backslash", WIR_EINVAL, { claim(reg, [text(dir.file("src/x\\"))]) }),
            ("an unknown class", WIR_EINVAL, { claim(reg, [text(dir.file("src/[[:nope:]]"))]) }),
            ("'..' after a wildcard", WIR_EINVAL, { claim(reg, [text(dir.file("src/*/../x"))]) }),
            ("more than 2^20 paths", WIR_EINVAL, { claim(reg, [good]) { $0.n_writes = (1 << 20) + 1 } }),
            ("version 0", WIR_EINVAL, { claim(reg, [good]) { $0.version = 0 } }),
            ("version 99", WIR_EINVAL, { claim(reg, [good]) { $0.version = 99 } }),
            ("policy -1", WIR_EINVAL, { claim(reg, [good]) { $0.policy = -1 } }),
            ("policy 4", WIR_EINVAL, { claim(reg, [good]) { $0.policy = 4 } }),
            ("TTL -2", WIR_EINVAL, { claim(reg, [good]) { $0.ttl_ms = -2 } }),
            ("TTL over a year", WIR_EINVAL, { claim(reg, [good]) { $0.ttl_ms = WIR_TTL_MAX_MS + 1 } }),
            ("TTL Int64.max", WIR_EINVAL, { claim(reg, [good]) { $0.ttl_ms = .max } }),
            ("TTL Int64.min", WIR_EINVAL, { claim(reg, [good]) { $0.ttl_ms = .min } }),
            ("timeout -2", WIR_EINVAL, { claim(reg, [good]) { $0.timeout_ms = -2 } }),
            ("timeout Int64.min", WIR_EINVAL, { claim(reg, [good]) { $0.timeout_ms = .min } }),
            ("an empty task id", WIR_EINVAL, { claim(reg, [good]) { $0.task_id = UnsafePointer(strdup("")) } }),
            ("a 10 KiB task id", WIR_EINVAL, { claim(reg, [good]) { $0.task_id = UnsafePointer(strdup(String(repeating: "t", count: 10_240))) } }),
            ("a task id with a newline", WIR_EINVAL, { claim(reg, [good]) { $0.task_id = UnsafePointer(strdup("a\nb")) } }),
            ("an empty key", WIR_EINVAL, { claim(reg, [good]) { $0.key = UnsafePointer(strdup("")) } }),
            ("a 300-byte label", WIR_EINVAL, { claim(reg, [good]) { $0.label = UnsafePointer(strdup(String(repeating: "l", count: 300))) } }),
            ("owner pid -1", WIR_EINVAL, { claim(reg, [good]) { $0.owner_pid = -1 } }),
            ("owner pid not alive", WIR_EINVAL, { claim(reg, [good]) { $0.owner_pid = 0x3fff_fff0 } }),
            ("owner pid over Int32", WIR_EINVAL, { claim(reg, [good]) { $0.owner_pid = 1 << 40 } }),
            ("the held task id from another owner", WIR_EEXIST, {
                claim(reg, [good]) { $0.task_id = UnsafePointer(strdup("held")); $0.owner_pid = Int64(getppid()) } }),
            ("the held task id with a wrong key", WIR_EKEY, {
                claim(reg, [good]) { $0.task_id = UnsafePointer(strdup("held")); $0.owner_pid = Int64(getppid())
                                     $0.key = UnsafePointer(strdup("wrong")) } }),
            ("releasing twice", WIR_ELOST, { wir_release(reg, released, WIR_OUTCOME_COMPLETED) }),
            ("heartbeating a released claim", WIR_ELOST, { wir_heartbeat(reg, released, 0) }),
            ("an unknown outcome", WIR_EINVAL, { wir_release(reg, held, 7) }),
            ("a negative outcome", WIR_EINVAL, { wir_release(reg, held, -1) }),
            ("heartbeat TTL over a year", WIR_EINVAL, { wir_heartbeat(reg, held, WIR_TTL_MAX_MS + 1) }),
            ("heartbeat TTL negative", WIR_EINVAL, { wir_heartbeat(reg, held, -5) }),
            ("heartbeat NULL claim", WIR_EINVAL, { wir_heartbeat(reg, nil, 0) }),
            ("release NULL registry", WIR_EINVAL, { wir_release(nil, held, 0) }),
            ("attach with a wrong key", WIR_EKEY, { var out: OpaquePointer?; return wir_attach(&out, reg, "held", "x") }),
            ("attach an unknown task", WIR_ENOTFOUND, { var out: OpaquePointer?; return wir_attach(&out, reg, "nope", "x") }),
            ("attach NULL key", WIR_EINVAL, { var out: OpaquePointer?; return wir_attach(&out, reg, "held", nil) }),
            ("token check NULL path", WIR_EINVAL, { wir_token_check(reg, nil, 1) }),
            ("token check empty path", WIR_EINVAL, { wir_token_check(reg, "", 1) }),
            ("token check a huge token", WIR_ESTALE, { wir_token_check(reg, dir.file("held"), .max) }),
            ("shrink to nothing", WIR_EINVAL, { [UnsafePointer(strdup(dir.file("held")))].withUnsafeBufferPointer {
                wir_shrink(reg, held, $0.baseAddress, 1) } }),
            ("shrink a path not held", WIR_ENOTFOUND, { [UnsafePointer(strdup(dir.file("other")))].withUnsafeBufferPointer {
                wir_shrink(reg, held, $0.baseAddress, 1) } }),
            ("shrink with no paths", WIR_EINVAL, { wir_shrink(reg, held, nil, 0) }),
            ("force-release an unknown task", WIR_ENOTFOUND, { wir_force_release(reg, "nope") }),
            ("config get an unknown name", WIR_EINVAL, { var out: UnsafeMutablePointer<CChar>?; return wir_config_get(&out, reg, "colour") }),
            ("config set a bad policy", WIR_EINVAL, { wir_config_set(reg, "policy", "sometimes") }),
            ("config set a negative TTL", WIR_EINVAL, { wir_config_set(reg, "ttl_ms", "-1") }),
            ("config set a TTL that is not a number", WIR_EINVAL, { wir_config_set(reg, "ttl_ms", "soon") }),
            ("who with an empty path", WIR_EINVAL, { var out: UnsafeMutablePointer<CChar>?; return wir_who_json(&out, reg, "") }),
            ("log with NULL out", WIR_EINVAL, { wir_log_json(nil, reg, 0, 10) }),
            ("cancel on a NULL registry", WIR_EINVAL, { wir_cancel(nil, nil, nil) }),
            ("NULL allowed writes with a count", WIR_EINVAL, { claim(reg, [good]) { $0.n_allow_writes = 2 } }),
            ("a glob as an allowed write", WIR_EINVAL, { [UnsafePointer(strdup(dir.file("c*")))].withUnsafeBufferPointer {
                buffer in claim(reg, [good]) { $0.allow_writes = buffer.baseAddress; $0.n_allow_writes = 1 } } }),
            ("config set a bad confine mode", WIR_EINVAL, { wir_config_set(reg, "confine", "sometimes") }),
            // Only bad calls, or checks: a wir_confine that succeeds would confine the test runner.
            ("confine a NULL claim", WIR_EINVAL, { wir_confine(reg, nil, WIR_CONFINE_CHECK) }),
            ("confine with unknown flags", WIR_EINVAL, { wir_confine(reg, held, 8) }),
            ("confine a released claim", WIR_EINVAL, { wir_confine(reg, released, WIR_CONFINE_CHECK) }),
        ]
        let before = fingerprint(reg)
        for (name, expected, call) in cases {
            let status = call()
            let message = String(cString: wir_errmsg())
            #expect(status == expected, "\(name): got \(status) (\(message)), wanted \(expected)")
            if status != WIR_OK && status != WIR_ESTALE {
                #expect(message != "not an error" && !message.isEmpty, "\(name) must say what was wrong")
                #expect(String(cString: wir_errstr(status)) != "unknown status code")
            }
            #expect(fingerprint(reg) == before, "\(name) changed the registry")
        }
        #expect(String(cString: wir_errstr(12345)) == "unknown status code")
        #expect(cases.count >= 60)
    }

    @Test func oddButValidInputIsAccepted() throws {
        var reg: OpaquePointer?
        #expect(wir_open(&reg, dir.file("registry.db")) == WIR_OK)
        defer { wir_close(reg) }
        // ".." cannot climb above the root: it folds to "/".
        #expect(claim(reg, [text("/../../\(dir.path.dropFirst())/up")]) == WIR_OK)
        // As many paths as one claim may name (WIR_ENTRIES_MAX): admitted and released; one more is refused.
        let many = (0..<Int(WIR_ENTRIES_MAX)).map { text(dir.file("many/\($0)")) }
        #expect(claim(reg, many) == WIR_OK)
        #expect(claim(reg, [text(dir.file("many/5"))]) == WIR_OK, "released with the rest")
        #expect(claim(reg, many + [text(dir.file("many/one-more"))]) == WIR_EINVAL)
    }

    @Test(arguments: ["directory", "junk", "foreign", "newer"])
    func badRegistryFiles(kind: String) throws {
        let path = dir.file("\(kind).db")
        let expected: Int32
        switch kind {
        case "directory":
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            expected = WIR_EIO
        case "junk":
            try Data(repeating: 0x5a, count: 4096).write(to: URL(fileURLWithPath: path))
            expected = WIR_ECORRUPT
        case "foreign":
            let sqlite = Process()
            sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            sqlite.arguments = ["python3", "-c", "import sqlite3; sqlite3.connect('\(path)').execute('create table t(x)')"]
            try sqlite.run()
            sqlite.waitUntilExit()
            expected = WIR_ESCHEMA
        default:
            var reg: OpaquePointer?
            #expect(wir_open(&reg, path) == WIR_OK)
            wir_close(reg)
            let sqlite = Process()
            sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            sqlite.arguments = ["python3", "-c", "import sqlite3; c = sqlite3.connect('\(path)'); c.execute('pragma user_version=99'); c.commit()"]
            try sqlite.run()
            sqlite.waitUntilExit()
            expected = WIR_ESCHEMA
        }
        let before = kind == "directory" ? nil : try Data(contentsOf: URL(fileURLWithPath: path))
        var reg: OpaquePointer?
        #expect(wir_open(&reg, path) == expected && reg == nil, "\(kind): \(String(cString: wir_errmsg()))")
        #expect(String(cString: wir_errmsg()).count > 10)
        if let before { #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "\(kind) was changed") }
    }
}
