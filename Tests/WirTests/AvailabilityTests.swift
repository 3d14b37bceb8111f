import Foundation
import Testing
import WirEngine
@testable import WirRegistry

/// One claim cannot lock the others out: what a claim may name is bounded
/// (entries, wildcards), so is the work of one overlap decision, and a refusal
/// reports and logs a bounded number of pairs. Each on every kind of registry.
@Suite struct AvailabilityTests {
    let dir = TempDir()

    /// A glob of `count` "*a" wildcards under `base`.
    func stars(_ base: String, _ count: Int, then tail: String = "") -> String {
        base + "/" + String(repeating: "*a", count: count) + tail
    }

    /// Too many wildcards in one glob (the quadratic case: thousands of `*a`) or too many
    /// entries in one claim are refused at once, naming the limit.
    @Test(arguments: RegistryKind.allCases)
    func claimsBeyondTheLimitsAreRefusedAtOnce(kind: RegistryKind) throws {
        let registry = KindRegistry(kind, in: dir)
        let reg = try Registry(path: registry.registry)
        let g = dir.file("g")
        do {
            _ = try reg.claim(ClaimSpec(writes: [g + "/", stars(g, 1500)]))
            Issue.record("a glob of 1500 wildcards was admitted")
        } catch let error as WirError {
            #expect(error.code == .invalidArgument && error.message.contains("wildcards"), "\(error)")
        }
        let many = (0...Limits.maxEntries).map { dir.file("many/f\($0)") }
        do {
            _ = try reg.claim(ClaimSpec(writes: many))
            Issue.record("a claim of \(many.count) entries was admitted")
        } catch let error as WirError {
            #expect(error.code == .invalidArgument && error.message.contains("\(Limits.maxEntries)"), "\(error)")
        }
        #expect(try reg.inFlight().claims.isEmpty)
    }

    /// A refusal against a claim of thousands of overlapping entries reports at most
    /// `Limits.maxReportedConflicts` pairs and their total, and logs no more rows than it reports.
    @Test(arguments: RegistryKind.allCases)
    func aRefusalReportsAndLogsABoundedNumberOfPairs(kind: RegistryKind) throws {
        let registry = KindRegistry(kind, in: dir)
        let reg = try Registry(path: registry.registry)
        let files = (0..<3000).map { dir.file("big/f\($0)") }
        guard case .admitted = try reg.claim(ClaimSpec(taskID: "big", writes: files)).result else {
            Issue.record("the big claim was not admitted")
            return
        }
        guard case .refused(let report) = try reg.claim(ClaimSpec(taskID: "whole", writes: [dir.file("big")])).result
        else {
            Issue.record("the overlapping claim was not refused")
            return
        }
        #expect(report.count == Limits.maxReportedConflicts && report.total == 3000)
        #expect(try reg.conflictLog().count == Limits.maxReportedConflicts)
        let cli = try registry.wir(["claim", "--writes", dir.file("big")], killAfter: 60)
        #expect(cli.err.contains("3000"), "\(cli.err)")
        #expect(cli.err.split(separator: "\n").count < Limits.maxReportedConflicts + 10, "\(cli.err.count) bytes")
    }

    /// The costliest overlap decisions a claim may ask for (many globs of the most wildcards
    /// under a directory another claim holds globs of) end within their work limit: meanwhile
    /// another process's unrelated claim and a heartbeat go through.
    @Test(arguments: RegistryKind.allCases)
    func theCostliestClaimLocksNobodyOut(kind: RegistryKind) throws {
        let registry = KindRegistry(kind, in: dir)
        let reg = try Registry(path: registry.registry)
        let g = dir.file("g")
        let wildcards = Limits.maxGlobWildcards
        let held = (0..<300).map { stars(g, wildcards, then: "x\($0)") }
        guard case .admitted = try reg.claim(ClaimSpec(taskID: "A", writes: held)).result else {
            Issue.record("A's globs were not admitted")
            return
        }
        let other = try Child("/bin/sleep", ["60"])
        defer { other.stop() }
        guard case .admitted(let beat, _, _) = try reg.claim(ClaimSpec(taskID: "beat", writes: [dir.file("beat")],
                                                                       ownerPID: other.pid)).result else {
            Issue.record("the heartbeat's claim was not admitted")
            return
        }
        var costly = ["claim", "--task", "B"]
        for index in 0..<300 { costly += ["--writes", stars(g, wildcards, then: "y\(index)")] }
        let b = try registry.start(costly)
        var rounds = 0
        while b.0.isRunning {
            let side = try registry.wir(["claim", "--owner-pid", "\(other.pid)", "--writes", dir.file("side-\(rounds)")])
            #expect(side.status == 0, "an unrelated claim failed while B was decided: \(side.status) \(side.err)")
            let renewed = try registry.wir(["heartbeat", "beat", "--key", beat.key])
            #expect(renewed.status == 0, "a heartbeat failed while B was decided: \(renewed.err)")
            rounds += 1
        }
        let result = registry.finish(b)
        #expect(result.status != 0 && result.err.contains("work limit"), "\(result.status) \(result.err)")
    }
}
