import Foundation
import Testing
import WirEngine
@testable import WirHost
@testable import WirRegistry

/// Rights over a claim come from its key, or from being one of its owners (the
/// calling process or one of its ancestors), never from a pid the caller names.
@Suite struct ImpersonationTests {
    let dir = TempDir()

    /// `wir claim --task VICTIM --owner-pid <its owner>` neither extends the claim nor prints
    /// its key, from the CLI or the library.
    @Test(arguments: RegistryKind.allCases)
    func namingAnOwnersPidGrantsNoRights(kind: RegistryKind) throws {
        let registry = KindRegistry(kind, in: dir)
        let victimOwner = try Child("/bin/sleep", ["60"])
        defer { victimOwner.stop() }
        let reg = try Registry(path: registry.registry)
        let victimFile = dir.file("victim.json")
        guard case .admitted(let victim, _, _) = try reg.claim(ClaimSpec(taskID: "VICTIM", writes: [victimFile],
                                                                         ownerPID: victimOwner.pid)).result else {
            Issue.record("the victim's claim was not admitted")
            return
        }
        let other = dir.file("other.json")
        let cli = try registry.wir(["claim", "--task", "VICTIM", "--owner-pid", "\(victimOwner.pid)", "--writes", other])
        #expect(cli.status != 0, "extended the victim's claim: \(cli.out)")
        #expect(!cli.out.contains(victim.key) && !cli.err.contains(victim.key), "revealed the key")
        #expect(cli.err.contains("in flight under another owner"), "\(cli.err)")
        do {
            _ = try reg.claim(ClaimSpec(taskID: "VICTIM", writes: [other], ownerPID: victimOwner.pid))
            Issue.record("the library extended the victim's claim for a caller that only named its owner")
        } catch let error as WirError {
            #expect(error.code == .taskInUse, "\(error)")
        }
        let held = try reg.inFlight().claims.first { $0.0.taskID == "VICTIM" }
        #expect(held?.1.map(\.text) == [try PathResolver.canonicalize(victimFile).value], "the claim changed")
        #expect(held?.0.token == victim.token)
    }

    /// The owner itself needs no key: a shell that claimed a task extends it with a second
    /// `wir claim` (each `wir claim` is the shell's child, acting for it), and learns the key.
    @Test(arguments: RegistryKind.allCases)
    func theOwningShellExtendsItsClaimWithoutTheKey(kind: RegistryKind) throws {
        let registry = KindRegistry(kind, in: dir)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "wir-cli claim --task T --writes a >/dev/null && wir-cli claim --task T --writes b; "
                             + "echo status=$?"]
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["WIR_REGISTRY": registry.registry, "PATH": BuiltProducts.directory + ":/usr/bin:/bin"]) { $1 }
        process.currentDirectoryURL = URL(fileURLWithPath: dir.path)
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(text.contains("status=0") && text.contains("WIR_KEY="), "\(text)")
    }
}
