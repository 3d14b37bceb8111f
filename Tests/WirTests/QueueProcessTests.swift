import Foundation
import Testing
import WirEngine
@testable import WirHost
@testable import WirRegistry
@testable import WirSQLite

/// The queue policy across real processes on a real registry file.
@Suite struct QueueProcessTests {
    let dir = TempDir()

    @Test func admissionsFollowTheQueueOrderAndDisjointWorkBypassesIt() throws {
        let registry = dir.file("registry.db")
        let file = dir.file("state.json")
        let probe = BuiltProducts.probe
        let holder = try Child(probe, ["queue", registry, "holder", "1500", "-1", file])
        #expect(holder.expectLine("admitted").count == 3)
        let first = try Child(probe, ["queue", registry, "first", "50", "-1", file])
        _ = first.expectLine("queued")
        let second = try Child(probe, ["queue", registry, "second", "50", "-1", file + "/part"])
        _ = second.expectLine("queued")
        let bypass = try Child(probe, ["queue", registry, "bypass", "0", "-1", dir.file("elsewhere")])

        func admittedAt(_ child: Child) -> UInt64 { UInt64(child.expectLine("admitted").last ?? "") ?? 0 }
        let bypassAt = admittedAt(bypass)
        let firstAt = admittedAt(first), secondAt = admittedAt(second)
        let releasedAt = UInt64(holder.expectLine("released").last ?? "") ?? 0
        #expect(bypassAt < releasedAt, "disjoint work is not held up by the queue")
        #expect(releasedAt <= firstAt && firstAt < secondAt, "FIFO among overlapping waiters")
        for child in [holder, first, second, bypass] { #expect(child.finish().status == 0) }
    }

    /// A waiter in another network namespace (a container sharing the registry
    /// file) is admitted and woken by the release itself, as one in this namespace
    /// is, not by its 2 s recheck: wake-ups go through sockets in the file system.
    @Test func aWaiterInAnotherNetworkNamespaceIsWokenByTheRelease() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else {
            print("QueueProcessTests: skipped network namespaces: needs root and unshare")
            return
        }
        let registryPath = dir.file("registry.db")
        let file = dir.file("state.json")
        let registry = try Registry(path: registryPath)
        let sleeper = try Child("/bin/sleep", ["30"])
        defer { sleeper.stop() }
        guard let held = try registry.holder(of: file, ownedBy: sleeper) else { return }
        // It holds its claim a while once admitted: one released at once could be gone before the listing below.
        let waiter = try Child("/usr/bin/unshare", ["--net", BuiltProducts.probe, "queue", registryPath, "waiter", "3000",
                                                    "30000", file])
        _ = waiter.expectLine("queued")
        let released = MonotonicClock.nowNs()
        try registry.release(taskID: "holder", key: held.key, outcome: .completed)
        // Admitted by the release itself (its pid means the same here: one pid namespace).
        #expect(try registry.inFlight().claims.map(\.0.owner.pid) == [waiter.pid])
        let admitted = UInt64(waiter.expectLine("admitted").last ?? "") ?? .max
        // Far below the 2 s recheck a lost wake-up would fall back to; make bench measures the real figure.
        #expect(admitted &- released < 1_000_000_000, "woken after \((admitted &- released) / 1_000_000) ms")
        #expect(waiter.finish().status == 0)
    }

    /// Names in the wake-up directory taken by something that is not a socket (a squatter's
    /// directories under the next tickets) neither refuse a waiter nor leave it waiting: it
    /// falls back to its timer and is admitted after the release.
    @Test func aWaiterWhoseSocketNameIsTakenStillWaitsAndIsAdmitted() throws {
        let registryPath = dir.file("registry.db")
        let file = dir.file("state.json")
        let registry = try Registry(path: registryPath)
        for ticket in 1...20 {
            try FileManager.default.createDirectory(atPath: registryPath + ".wake/\(ticket)/x",
                                                    withIntermediateDirectories: true)
        }
        let sleeper = try Child("/bin/sleep", ["30"])
        defer { sleeper.stop() }
        guard let held = try registry.holder(of: file, ownedBy: sleeper) else { return }
        let waiter = try Child(BuiltProducts.probe, ["queue", registryPath, "waiter", "0", "30000", file])
        _ = waiter.expectLine("queued")
        try registry.release(taskID: "holder", key: held.key, outcome: .completed)
        _ = waiter.expectLine("admitted")
        #expect(waiter.finish().status == 0)
    }

    @Test func aWaiterTimesOut() throws {
        let registry = dir.file("registry.db")
        let holder = try Child(BuiltProducts.probe, ["hold", registry, "holder", dir.file("f")])
        _ = holder.expectLine("held")
        let waiter = try Child(BuiltProducts.probe, ["queue", registry, "waiter", "0", "300", dir.file("f")])
        _ = waiter.expectLine("queued")
        _ = waiter.expectLine("timed-out")
        #expect(waiter.finish().status == 3)
    }

    @Test func aWaiterIsAdmittedWhenItsHolderIsKilled() throws {
        let registry = dir.file("registry.db")
        let holder = try Child(BuiltProducts.probe, ["hold", registry, "holder", dir.file("f")])
        _ = holder.expectLine("held")
        let waiter = try Child(BuiltProducts.probe, ["queue", registry, "waiter", "0", "20000", dir.file("f")])
        _ = waiter.expectLine("queued")
        holder.stop()                                   // kill -9
        #expect(waiter.expectLine("admitted").count == 3)
        #expect(waiter.finish().status == 0)
    }

    @Test func anotherThreadCanCancelAWait() throws {
        let registry = try Registry(path: dir.file("registry.db"))
        let target = dir.file("f")
        _ = try registry.claim(ClaimSpec(taskID: "holder", writes: [target]))
        let queued = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var outcome: Error?
        let thread = Thread {
            do {
                _ = try registry.claim(ClaimSpec(taskID: "waiter", writes: [target], policy: .queue)) { _, _, waited in
                    if waited == 0 { queued.signal() }
                }
            } catch {
                outcome = error
            }
            finished.signal()
        }
        thread.start()
        #expect(queued.wait(timeout: .now() + 10) == .success)
        // The handle stays usable while another thread waits on it.
        _ = try registry.claim(ClaimSpec(taskID: "unrelated", writes: [dir.file("g")]))
        #expect(registry.cancel(taskID: "waiter") == 1)
        #expect(finished.wait(timeout: .now() + 10) == .success)
        #expect((outcome as? WirError)?.code == .cancelled)
        #expect(registry.cancel() == 0)
    }

    @Test func aVersionOneRegistryIsMigratedWithItsClaims() throws {
        let path = dir.file("v1.db")
        try makeVersionOneRegistry(at: path, paths: ["/a", "/b"])
        let store = try SQLiteStore(path: path)
        #expect(try store.schemaVersion() == SQLiteSchema.latestVersion)
        #expect(try store.read { try $0.entries(taskID: "old") } == [try entry("/a"), try entry("/b")])
        #expect(try store.read { try $0.holdings(overlapping: CanonicalPath(lexical: "/a/x")!) }.map(\.taskID) == ["old"])
        #expect(try store.write { try $0.issueToken() } == 8)
    }
}
