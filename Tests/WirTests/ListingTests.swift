import CWir
import Foundation
import Testing

/// The JSON listings through the C API, parsed back as a user's tool would.
@Suite struct ListingTests {
    let dir = TempDir()

    func json(_ call: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32) throws -> Any {
        var text: UnsafeMutablePointer<CChar>?
        #expect(call(&text) == WIR_OK)
        defer { wir_free(text) }
        return try JSONSerialization.jsonObject(with: Data(String(cString: try #require(text)).utf8))
    }

    @Test func inFlightWhoLogHistoryAndPrune() throws {
        var reg: OpaquePointer?
        #expect(wir_open(&reg, dir.file("registry.db")) == WIR_OK)
        defer { wir_close(reg) }
        let probe = CABITests()
        let (_, holder) = probe.submit(reg, [dir.file("data/state.json")], task: "holder")
        defer { wir_claim_free(holder) }
        let (status, refused) = probe.submit(reg, [dir.file("data")], task: "asker") { $0.owner_pid = Int64(getppid()) }
        wir_claim_free(refused)
        #expect(status == WIR_ECONFLICT)

        let inFlight = try json { wir_inflight_json($0, reg) } as? [String: Any]
        let claims = inFlight?["claims"] as? [[String: Any]]
        #expect(claims?.map { $0["task_id"] as? String } == ["holder"])
        let entries = claims?.first?["entries"] as? [[String: Any]]
        #expect(entries?.first?["path"] as? String == dir.file("data/state.json"))
        #expect(entries?.first?["access"] as? String == "write")

        let who = try json { wir_who_json($0, reg, dir.file("data/state.json/inner")) } as? [String: Any]
        #expect((who?["claims"] as? [[String: Any]])?.count == 1)
        let nobody = try json { wir_who_json($0, reg, dir.file("data")) } as? [String: Any]
        #expect((nobody?["claims"] as? [[String: Any]])?.isEmpty == true, "a parent directory is not held")

        let log = try json { wir_log_json($0, reg, 0, 100) } as? [[String: Any]]
        #expect(log?.count == 1)
        #expect(log?.first?["outcome"] as? String == "refused")
        #expect((log?.first?["holder"] as? [String: Any])?["task_id"] as? String == "holder")

        #expect(wir_release(reg, holder, WIR_OUTCOME_FAILED) == WIR_OK)
        let history = try json { wir_history_json($0, reg, 0, 100) } as? [[String: Any]]
        #expect(history?.map { $0["reason"] as? String } == ["failed"])

        var removed = 0
        #expect(wir_prune(&removed, reg, Int64.max) == WIR_OK && removed == 2)
        #expect((try json { wir_log_json($0, reg, 0, 100) } as? [Any])?.isEmpty == true)
    }
}
