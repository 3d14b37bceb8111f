import CWir
import Foundation
import Testing
import WirEngine

/// The C ABI called as C would call it: statuses, messages, ownership, bad input.
@Suite struct CABITests {
    let dir = TempDir()

    func open() throws -> OpaquePointer {
        var reg: OpaquePointer?
        #expect(wir_open(&reg, dir.file("registry.db")) == WIR_OK)
        return try #require(reg)
    }

    func message() -> String { String(cString: wir_errmsg()) }

    /// Calls wir_claim with C strings made from `writes`.
    func submit(_ reg: OpaquePointer?, _ writes: [String?], task: String? = nil,
               configure: (inout wir_claim_opts) -> Void = { _ in }) -> (Int32, OpaquePointer?) {
        let cWrites = writes.map { $0.map { strdup($0) } ?? nil }
        defer { cWrites.forEach { free($0) } }
        let cTask = task.map { strdup($0) }
        defer { free(cTask ?? nil) }
        return cWrites.map { $0.map { UnsafePointer($0) } }.withUnsafeBufferPointer { buffer in
            var options = wir_claim_opts(version: UInt32(WIR_CLAIM_OPTS_VERSION), task_id: cTask.map { UnsafePointer($0!) },
                                         writes: buffer.baseAddress, n_writes: buffer.count, ttl_ms: 0,
                                         policy: WIR_POLICY_DEFAULT, timeout_ms: 0, key: nil, owner_pid: 0,
                                         reads: nil, n_reads: 0, label: nil, parent_task_id: nil, parent_key: nil,
                                         allow_writes: nil, n_allow_writes: 0)
            configure(&options)
            var out: OpaquePointer?
            let status = wir_claim(&out, reg, &options)
            return (status, out)
        }
    }

    /// The limits wir.h promises are the ones the library keeps (one rule, in `Limits`).
    @Test func theHeadersLimitsAreTheLibrarys() {
        #expect(Int(WIR_PATH_MAX) == Limits.maxPathBytes && Int(WIR_TASK_ID_MAX) == Limits.maxTaskIDBytes)
        #expect(Int(WIR_ENTRIES_MAX) == Limits.maxEntries && Int(WIR_GLOB_WILDCARDS_MAX) == Limits.maxGlobWildcards)
        #expect(Int(WIR_CONFLICTS_MAX) == Limits.maxReportedConflicts && WIR_TTL_MAX_MS == Limits.maxTTLMs)
    }

    @Test func admittedClaimExposesItsFields() throws {
        let reg = try open()
        defer { wir_close(reg) }
        let (status, claim) = submit(reg, [dir.file("a"), dir.file("b/../c/")], task: "td-002")
        defer { wir_claim_free(claim) }
        #expect(status == WIR_OK)
        #expect(message() == "not an error")
        #expect(String(cString: wir_claim_task_id(claim)) == "td-002")
        #expect(String(cString: wir_claim_key(claim)).count == 32)
        #expect(wir_claim_token(claim) >= 1)
        #expect(wir_claim_expires_ms(claim) > Int64(Date().timeIntervalSince1970 * 1000) + 590_000)
        #expect(wir_claim_path_count(claim) == 2)
        #expect(String(cString: wir_claim_path(claim, 1)) == dir.file("c"))
        #expect(wir_claim_path(claim, 2) == nil)
        #expect(wir_claim_conflict_count(claim) == 0 && wir_claim_conflict(claim, 0) == nil)
        #expect(wir_token_check(reg, dir.file("c/inner"), wir_claim_token(claim)) == WIR_OK)
        #expect(wir_release(reg, claim, WIR_OUTCOME_COMPLETED) == WIR_OK)
        #expect(wir_token_check(reg, dir.file("c/inner"), wir_claim_token(claim)) == WIR_ESTALE)
    }

    @Test func refusedClaimCarriesTheReport() throws {
        let reg = try open()
        defer { wir_close(reg) }
        let (_, holder) = submit(reg, [dir.file("data/x")], task: "holder")
        defer { wir_claim_free(holder) }
        let (status, refused) = submit(reg, [dir.file("data")], task: "asker") { $0.owner_pid = Int64(getppid()) }
        defer { wir_claim_free(refused) }
        #expect(status == WIR_ECONFLICT)
        #expect(message().contains("held by task 'holder'"))
        #expect(wir_claim_conflict_count(refused) == 1)
        let conflict = try #require(wir_claim_conflict(refused, 0)).pointee
        #expect(String(cString: conflict.requested_path) == dir.file("data"))
        #expect(String(cString: conflict.held_path) == dir.file("data/x"))
        #expect(String(cString: conflict.holder_task_id) == "holder")
        #expect(conflict.holder_pid == Int64(getpid()))
        #expect(conflict.holder_expires_ms == wir_claim_expires_ms(holder))
        #expect(wir_claim_key(refused) == nil && wir_claim_token(refused) == 0)
        #expect(wir_release(reg, refused, WIR_OUTCOME_COMPLETED) == WIR_EINVAL)
        #expect(wir_heartbeat(reg, refused, 0) == WIR_EINVAL)
    }

    /// wir_probe: the report a claim would get, with nothing claimed or logged; the caller's own
    /// task and an empty set meet nothing.
    @Test func aProbeCarriesTheReportAndClaimsNothing() throws {
        let reg = try open()
        defer { wir_close(reg) }
        let (_, holder) = submit(reg, [dir.file("data/x")], task: "holder") { $0.ttl_ms = Int64(WIR_TTL_WHILE_ALIVE) }
        defer { wir_claim_free(holder) }
        func probe(_ writes: [String], task: String?) -> (Int32, OpaquePointer?) {
            let cWrites = writes.map { strdup($0) }
            let cTask = task.map { strdup($0) }
            defer { cWrites.forEach { free($0) }; free(cTask ?? nil) }
            return cWrites.map { UnsafePointer($0) }.withUnsafeBufferPointer { buffer in
                var options = wir_claim_opts(version: UInt32(WIR_CLAIM_OPTS_VERSION), task_id: cTask.map { UnsafePointer($0!) },
                                             writes: buffer.baseAddress, n_writes: buffer.count, ttl_ms: 0,
                                             policy: WIR_POLICY_DEFAULT, timeout_ms: -1, key: nil, owner_pid: 0,
                                             reads: nil, n_reads: 0, label: nil, parent_task_id: nil, parent_key: nil,
                                             allow_writes: nil, n_allow_writes: 0)
                var out: OpaquePointer?
                return (wir_probe(&out, reg, &options), out)
            }
        }
        let (status, report) = probe([dir.file("data")], task: nil)
        defer { wir_claim_free(report) }
        #expect(status == WIR_ECONFLICT && message().contains("held by task 'holder'"))
        let conflict = try #require(wir_claim_conflict(report, 0)).pointee
        #expect(String(cString: conflict.holder_task_id) == "holder" && conflict.holder_while_alive == 1)
        #expect(wir_release(reg, report, WIR_OUTCOME_COMPLETED) == WIR_EINVAL)
        let (own, ownReport) = probe([dir.file("data")], task: "holder")
        let (empty, emptyReport) = probe([], task: nil)
        defer { wir_claim_free(ownReport); wir_claim_free(emptyReport) }
        #expect(own == WIR_OK && wir_claim_conflict_count(ownReport) == 0)
        #expect(empty == WIR_OK && wir_claim_conflict_count(emptyReport) == 0)
        var log: UnsafeMutablePointer<CChar>?
        #expect(wir_log_json(&log, reg, 0, 100) == WIR_OK)
        #expect(String(cString: try #require(log)) == "[]")
        wir_free(log)
        var out: OpaquePointer?
        #expect(wir_probe(&out, reg, nil) == WIR_EINVAL && out == nil)
        #expect(wir_probe(nil, reg, nil) == WIR_EINVAL)
    }

    @Test func releaseHeartbeatAndAttachAfterTheEnd() throws {
        let reg = try open()
        defer { wir_close(reg) }
        let (_, claim) = submit(reg, [dir.file("f")], task: "t")
        defer { wir_claim_free(claim) }
        var attached: OpaquePointer?
        #expect(wir_attach(&attached, reg, "t", "wrong-key") == WIR_EKEY && attached == nil)
        #expect(wir_attach(&attached, reg, "t", wir_claim_key(claim)) == WIR_OK)
        defer { wir_claim_free(attached) }
        #expect(wir_heartbeat(reg, attached, 5000) == WIR_OK)
        #expect(wir_release(reg, claim, 42) == WIR_EINVAL, "unknown outcome; nothing released")
        #expect(wir_release(reg, attached, WIR_OUTCOME_FAILED) == WIR_OK)
        #expect(wir_release(reg, attached, WIR_OUTCOME_FAILED) == WIR_ELOST)
        #expect(wir_release(reg, claim, WIR_OUTCOME_COMPLETED) == WIR_ELOST)
        #expect(wir_heartbeat(reg, claim, 0) == WIR_ELOST)
        #expect(wir_attach(&attached, reg, "t", wir_claim_key(claim)) == WIR_ENOTFOUND)
    }

    /// Bad input: a documented status and message, no crash, nothing claimed.
    @Test func badInputIsRefusedCleanly() throws {
        let reg = try open()
        defer { wir_close(reg) }
        let good = dir.file("good")
        var notUTF8 = Array(dir.file("bad-").utf8CString.dropLast())
        notUTF8 += [CChar(bitPattern: 0xff), CChar(bitPattern: 0xfe), 0]
        let cases: [(String, () -> Int32)] = [
            ("NULL registry", { submit(nil, [good]).0 }),
            ("NULL writes", { submit(reg, [good]) { $0.writes = nil }.0 }),
            ("no writes or reads", { submit(reg, [good]) { $0.n_writes = 0 }.0 }),
            ("NULL reads", { submit(reg, [good]) { $0.n_reads = 2 }.0 }),
            ("malformed glob", { submit(reg, [dir.file("src/[ab")]).0 }),
            ("'..' after a wildcard", { submit(reg, [dir.file("src/*/../x")]).0 }),
            ("NULL path", { submit(reg, [good, nil]).0 }),
            ("empty path", { submit(reg, [""]).0 }),
            ("overlong path", { submit(reg, ["/" + String(repeating: "x", count: 70_000)]).0 }),
            ("empty task id", { submit(reg, [good], task: "").0 }),
            ("overlong task id", { submit(reg, [good], task: String(repeating: "t", count: 10_240)).0 }),
            ("control char in task id", { submit(reg, [good], task: "a\u{1}b").0 }),
            ("bad version", { submit(reg, [good]) { $0.version = 99 }.0 }),
            ("unknown policy", { submit(reg, [good]) { $0.policy = 9 }.0 }),
            ("negative ttl", { submit(reg, [good]) { $0.ttl_ms = -2 }.0 }),
            ("ttl over a year", { submit(reg, [good]) { $0.ttl_ms = WIR_TTL_MAX_MS + 1 }.0 }),
            ("timeout below -1", { submit(reg, [good]) { $0.timeout_ms = -2 }.0 }),
            ("negative owner pid", { submit(reg, [good]) { $0.owner_pid = -5 }.0 }),
            ("dead owner pid", { submit(reg, [good]) { $0.owner_pid = 0x3fff_fff0 }.0 }),
            ("too many paths", { submit(reg, [good]) { $0.n_writes = 1 << 21 }.0 }),
            ("NULL out", {
                var options = wir_claim_opts()
                options.version = UInt32(WIR_CLAIM_OPTS_VERSION)
                return wir_claim(nil, reg, &options)
            }),
            ("NULL opts", { var out: OpaquePointer?; return wir_claim(&out, reg, nil) }),
            ("not UTF-8", {
                notUTF8.withUnsafeBufferPointer { bytes in
                    var list: [UnsafePointer<CChar>?] = [bytes.baseAddress]
                    return list.withUnsafeMutableBufferPointer { buffer in
                        var options = wir_claim_opts()
                        options.version = UInt32(WIR_CLAIM_OPTS_VERSION)
                        options.writes = UnsafePointer(buffer.baseAddress)
                        options.n_writes = 1
                        var out: OpaquePointer?
                        return wir_claim(&out, reg, &options)
                    }
                }
            }),
            ("heartbeat NULL claim", { wir_heartbeat(reg, nil, 0) }),
            ("release NULL registry", { wir_release(nil, nil, 0) }),
            ("attach NULL task", { var out: OpaquePointer?; return wir_attach(&out, reg, nil, "k") }),
            ("token check NULL path", { wir_token_check(reg, nil, 1) }),
            ("reap NULL registry", { wir_reap(nil, nil) }),
        ]
        for (name, call) in cases {
            let status = call()
            #expect(status == WIR_EINVAL, "\(name): \(status) \(message())")
            #expect(message() != "not an error", "\(name) must say what was wrong")
        }
        #expect(submit(reg, [good]) { $0.ttl_ms = -7; $0.policy = WIR_POLICY_QUEUE }.0 == WIR_EINVAL)
        // Nothing was claimed by any of them.
        var reaped = 99
        #expect(wir_reap(&reaped, reg) == WIR_OK && reaped == 0)
        let (status, claim) = submit(reg, [good])
        defer { wir_claim_free(claim) }
        #expect(status == WIR_OK)
    }

    @Test func freeFunctionsAcceptNullAndAccessorsToo() {
        wir_close(nil)
        wir_claim_free(nil)
        #expect(wir_claim_task_id(nil) == nil && wir_claim_key(nil) == nil && wir_claim_token(nil) == 0)
        #expect(wir_claim_path_count(nil) == 0 && wir_claim_conflict(nil, 0) == nil && wir_registry_path(nil) == nil)
    }

    @Test func openingBadFilesGivesClearStatuses() throws {
        var reg: OpaquePointer?
        #expect(wir_open(nil, nil) == WIR_EINVAL)
        #expect(wir_open(&reg, "") == WIR_EINVAL && reg == nil)
        #expect(wir_open(&reg, dir.path) == WIR_EIO && reg == nil)
        #expect(message().contains("not a regular file"))
        let junk = dir.file("junk.db")
        try Data(repeating: 0x42, count: 4096).write(to: URL(fileURLWithPath: junk))
        #expect(wir_open(&reg, junk) == WIR_ECORRUPT && reg == nil)
        try Data().write(to: URL(fileURLWithPath: dir.file("plain")))
        #expect(wir_open(&reg, dir.file("plain/registry.db")) == WIR_EIO)
    }

    @Test func theDefaultRegistryFollowsTheEnvironment() throws {
        let path = dir.file("from-env/nested/registry.db")
        setenv("WIR_REGISTRY", path, 1)
        defer { unsetenv("WIR_REGISTRY") }
        var reg: OpaquePointer?
        #expect(wir_open(&reg, nil) == WIR_OK)
        defer { wir_close(reg) }
        #expect(String(cString: wir_registry_path(reg)) == path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let parent = try FileManager.default.attributesOfItem(atPath: dir.file("from-env/nested"))
        #expect((parent[.posixPermissions] as? Int) == 0o700)
    }

    @Test func everyStatusHasItsOwnText() {
        let codes = (WIR_EINTERNAL...WIR_OK).map { String(cString: wir_errstr($0)) }
        #expect(Set(codes).count == codes.count)
        #expect(!codes.contains("unknown status code"))
        #expect(String(cString: wir_errstr(-999)) == "unknown status code")
        #expect(wir_version_number() == 1_000 * WIR_VERSION_MINOR + 1_000_000 * WIR_VERSION_MAJOR + WIR_VERSION_PATCH)
        #expect(String(cString: wir_version()) == "\(WIR_VERSION_MAJOR).\(WIR_VERSION_MINOR).\(WIR_VERSION_PATCH)")
    }
}
