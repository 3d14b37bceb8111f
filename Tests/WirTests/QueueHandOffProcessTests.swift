import Foundation
import Testing
import WirEngine
@testable import WirHost
@testable import WirRegistry

/// The queue's direct hand-off across real processes, on a registry file and
/// on PostgreSQL: the release itself admits the waiter, which only reads it.
@Suite struct QueueHandOffProcessTests {
    let dir = TempDir()

    /// Stops `child` (SIGSTOP) once it sleeps in its queue wait: a `poll` on at least three
    /// descriptors (its wake-up listener, its cancel eventfd, the holder's pidfd). Stopped
    /// anywhere else it could be inside a transaction (a PostgreSQL round trip polls one
    /// socket) and hold the registry's lock.
    func stopWhileItWaits(_ child: Child) {
        for _ in 0..<4000 {
            let call = ((try? String(contentsOfFile: "/proc/\(child.pid)/syscall", encoding: .utf8)) ?? "")
                .split(separator: " ").map(String.init)
            if call.count > 2, call[0] == "7", let fds = Int(call[2].dropFirst(2), radix: 16), fds >= 3 {
                kill(child.pid, SIGSTOP)
                return
            }
            usleep(2000)
        }
        Issue.record("pid \(child.pid) never slept in its queue wait")
    }

    /// The waiter is stopped (SIGSTOP) while the holder releases: the claim is
    /// in flight, owned by the waiter, as soon as the release returns, before
    /// the waiter has run at all; continued, the waiter returns it as admitted.
    @Test(arguments: RegistryKind.allCases)
    func theReleaseItselfAdmitsAStoppedWaiter(kind: RegistryKind) throws {
        let place = KindRegistry(kind, in: dir)
        let file = dir.file("state.json")
        let registry = try Registry(path: place.registry)
        let sleeper = try Child("/bin/sleep", ["30"])
        defer { sleeper.stop() }
        guard let held = try registry.holder(of: file, ownedBy: sleeper) else { return }
        let waiter = try Child(BuiltProducts.probe, ["queue", place.registry, "waiter", "0", "60000", file])
        _ = waiter.expectLine("queued")
        stopWhileItWaits(waiter)
        try registry.release(taskID: "holder", key: held.key, outcome: .completed)
        let claims = try registry.inFlight().claims.map(\.0)
        #expect(claims.map(\.taskID) == ["waiter"] && claims.first?.owner.pid == waiter.pid)
        #expect(try registry.who(file).claims.map(\.0.taskID) == ["waiter"])
        #expect(try registry.inFlight().waiters.isEmpty)
        kill(waiter.pid, SIGCONT)
        #expect(waiter.expectLine("admitted").count == 3)
        #expect(waiter.finish().status == 0)
        #expect(try registry.history().map(\.claim.taskID) == ["holder", "waiter"])
    }

    /// A waiter killed while it waits is never admitted; the next one is.
    @Test(arguments: RegistryKind.allCases)
    func aKilledWaiterIsNotAdmittedAndTheNextOneIs(kind: RegistryKind) throws {
        let place = KindRegistry(kind, in: dir)
        let file = dir.file("state.json")
        let registry = try Registry(path: place.registry)
        let sleeper = try Child("/bin/sleep", ["30"])
        defer { sleeper.stop() }
        guard let held = try registry.holder(of: file, ownedBy: sleeper) else { return }
        let dies = try Child(BuiltProducts.probe, ["queue", place.registry, "dies", "0", "60000", file])
        _ = dies.expectLine("queued")
        let next = try Child(BuiltProducts.probe, ["queue", place.registry, "next", "-1", "60000", file])
        _ = next.expectLine("queued")
        dies.stop()                                     // kill -9
        stopWhileItWaits(next)
        try registry.release(taskID: "holder", key: held.key, outcome: .completed)
        #expect(try registry.inFlight().claims.map(\.0.taskID) == ["next"])
        kill(next.pid, SIGCONT)
        _ = next.expectLine("admitted")
        #expect(try registry.conflictLog().filter { $0.taskID == "dies" }.map(\.outcome) == [.abandoned])
    }
}
