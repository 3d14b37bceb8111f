import Foundation
import Testing
import WirEngine
@testable import WirHost

/// No overlap admitted through another name, another namespace, a clock step
/// or a lost file: each case with real processes, as a user's environment
/// would present it.
@Suite struct NamesTests: CommandLineTest {
    let dir = TempDir()
    var registry: String { dir.file("registry.db") }

    /// Claims `paths` for `task` with `wir claim` (owned by this test process,
    /// which outlives the test's claims); the result.
    func claim(_ task: String, _ paths: [String], extra: [String] = []) throws -> CommandResult {
        try wir(["claim", "--task", task, "--owner-pid", "\(getpid())"] + paths.flatMap { ["--writes", $0] } + extra)
    }

    func refused(_ result: CommandResult, by holder: String) -> Bool {
        result.status == 75 && result.err.contains("task '\(holder)'")
    }

    /// Kills every process whose command line names this test's directory,
    /// with its process group (what a namespace or a killed `wir run` left behind).
    func killLeftovers() {
        guard let proc = opendir("/proc") else { return }
        defer { closedir(proc) }
        while let entry = readdir(proc) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let pid = Int32(name), pid != getpid(),
                  let line = SystemFiles.read("/proc/\(pid)/cmdline"), line.contains(dir.path) else { continue }
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
        }
    }

    func symlink(_ target: String, at name: String) throws {
        try FileManager.default.createSymbolicLink(atPath: dir.file(name), withDestinationPath: target)
    }

    @Test func aSymlinkMadeAfterAClaimStillMeetsIt() throws {
        try FileManager.default.createDirectory(atPath: dir.file("real"), withIntermediateDirectories: true)
        #expect(try claim("A", ["later/x"]).status == 0)          // `later` does not exist yet
        try symlink("real", at: "later")
        let second = try claim("B", ["later/x"])
        #expect(refused(second, by: "A"), "\(second.err)")
    }

    @Test func aRepointedSymlinkStillMeetsItsOldAndNewTargets() throws {
        for name in ["r1", "r2"] {
            try FileManager.default.createDirectory(atPath: dir.file(name), withIntermediateDirectories: true)
        }
        try symlink("r1", at: "link")
        #expect(try claim("A", ["link/x"]).status == 0)
        try FileManager.default.removeItem(atPath: dir.file("link"))
        try symlink("r2", at: "link")
        #expect(refused(try claim("B", ["link/x"]), by: "A"))         // the spelling is the same
        #expect(refused(try claim("C", ["r1/x"]), by: "A"))           // the old target is held
    }

    @Test func aSymlinkBeneathADirectoryOrGlobClaimMeetsIt() throws {
        for name in ["src", "other"] {
            try FileManager.default.createDirectory(atPath: dir.file(name), withIntermediateDirectories: true)
        }
        try symlink("../other", at: "src/ldir")
        FileManager.default.createFile(atPath: dir.file("other/real.py"), contents: nil)
        try symlink("../other/real.py", at: "src/link.py")
        #expect(try claim("A", ["src/"]).status == 0)
        #expect(refused(try claim("B", ["src/ldir/z"]), by: "A"))
        #expect(try wir(["release", "A", "--force"]).status == 0)
        #expect(try claim("G", ["src/*.py"]).status == 0)
        #expect(refused(try claim("H", ["src/link.py"]), by: "G"))
    }

    @Test func twoHardLinksOfOneFileMeet() throws {
        try FileManager.default.createDirectory(atPath: dir.file("real"), withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: dir.file("real/file"), contents: nil)
        #expect(link(dir.file("real/file"), dir.file("h")) == 0)
        #expect(try claim("A", ["h"]).status == 0)
        #expect(refused(try claim("B", ["real/file"]), by: "A"))
    }

    /// `mount --bind real b` in a private mount namespace: `b/q` and `real/q`
    /// name one file. The claim through the bind mount is held by a `wir run`
    /// inside the namespace; the rival claims from outside it.
    @Test func twoBindMountsOfOneDirectoryMeet() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else {
            print("NamesTests: skipped bind mounts: needs root and unshare")
            return
        }
        for name in ["real", "b"] {
            try FileManager.default.createDirectory(atPath: dir.file(name), withIntermediateDirectories: true)
        }
        let command = BuiltProducts.directory + "/wir-cli"
        let script = "mount --bind \(dir.file("real")) \(dir.file("b")) && exec \(command) run --task bound "
            + "--writes \(dir.file("b/q")) -- sh -c 'touch \(dir.file("ready")); sleep 30'"
        let holder = try Child("/usr/bin/unshare", ["--mount", "--propagation", "private", "sh", "-c", script],
                               environment: ["WIR_REGISTRY": registry])
        defer { killLeftovers(); holder.stop() }
        for _ in 0..<1000 where !FileManager.default.fileExists(atPath: dir.file("ready")) { usleep(10_000) }
        guard FileManager.default.fileExists(atPath: dir.file("ready")) else {
            print("NamesTests: skipped bind mounts: the mount namespace could not be made here")
            return
        }
        #expect(refused(try claim("outside", ["real/q"]), by: "bound"))
        #expect(refused(try claim("outside-dir", ["real"]), by: "bound"))
    }

    /// A `wir run` in its own pid namespace: its pid (1) means another process
    /// here, so the host judges it by its lease, never reaps it as dead.
    @Test func anOwnerInAnotherPidNamespaceIsNotReapedFromOutside() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else {
            print("NamesTests: skipped pid namespaces: needs root and unshare")
            return
        }
        let command = BuiltProducts.directory + "/wir-cli"
        let holder = try Child("/usr/bin/unshare", ["--pid", "--fork", "--mount-proc", command, "run", "--task", "contained",
                                                    "--writes", dir.file("x"), "--", "sh", "-c",
                                                    "touch \(dir.file("ready")); sleep 30"],
                               environment: ["WIR_REGISTRY": registry])
        defer { killLeftovers(); holder.stop() }
        for _ in 0..<1000 where !FileManager.default.fileExists(atPath: dir.file("ready")) { usleep(10_000) }
        guard FileManager.default.fileExists(atPath: dir.file("ready")) else {
            print("NamesTests: skipped pid namespaces: unshare --pid could not run here")
            return
        }
        let ls = try wir(["ls", "--json"]).out
        #expect(ls.contains("\"task_id\":\"contained\""), "\(ls)")
        #expect(refused(try claim("rival", ["x"]), by: "contained"))
        #expect(try wir(["reap"]).out.contains("nothing to reap"))
    }

    /// Builds the LD_PRELOAD shim that moves the wall clock (Tests/c/clock_shift.c).
    func clockShift() throws -> String? {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("c/clock_shift.c").path
        let library = dir.file("clock_shift.so")
        let cc = Process()
        cc.executableURL = URL(fileURLWithPath: "/usr/bin/cc")
        cc.arguments = ["-shared", "-fPIC", "-o", library, source, "-ldl"]
        guard (try? cc.run()) != nil else { return nil }
        cc.waitUntilExit()
        return cc.terminationStatus == 0 ? library : nil
    }

    /// A claimant whose wall clock is an hour ahead (an NTP step, a VM resume)
    /// neither reaps a live claim as lapsed nor extends one by that hour:
    /// this host's own leases go by the boot clock.
    @Test func aWallClockStepNeitherReapsNorExtendsALease() throws {
        guard let shim = try clockShift() else {
            print("NamesTests: skipped the clock step: no C compiler")
            return
        }
        let ahead = ["LD_PRELOAD": shim, "WIR_TEST_CLOCK_SHIFT": "3600"]
        #expect(try claim("held", ["f"], extra: ["--ttl", "30s"]).status == 0)
        let skewed = try wir(["claim", "--task", "skewed", "--writes", "f"], environment: ahead)
        #expect(refused(skewed, by: "held"), "a live lease was reaped by a clock an hour ahead: \(skewed.err)")

        // A heartbeat from the skewed clock must not extend the lease by an hour.
        let made = try claim("short", ["g"], extra: ["--ttl", "1s"])
        let key = try #require(made.out.split(separator: "\n").first { $0.hasPrefix("WIR_KEY=") }?.dropFirst(8))
        #expect(try wir(["heartbeat", "short", "--key", String(key)], environment: ahead).status == 0)
        usleep(1_300_000)
        #expect(try claim("after", ["g"]).status == 0, "the lease outlived its TTL by the clock step")
    }

    /// `rm registry.db*` under a running `wir run`: the loss is noticed at the
    /// next look, the command is stopped, and `wir run` exits 69.
    @Test func aDeletedRegistryIsNoticedAsALoss() throws {
        let running = try start(["run", "--task", "doomed", "--writes", "f", "--", "sh", "-c",
                                 "trap 'exit 0' TERM; touch \(dir.file("ready")); i=0; "
                                 + "while [ $i -lt 1500 ]; do sleep 0.02; i=$((i+1)); done"])
        for _ in 0..<1000 where !FileManager.default.fileExists(atPath: dir.file("ready")) { usleep(10_000) }
        for suffix in ["", "-wal", "-shm"] { unlink(registry + suffix) }
        let result = finish(running)
        #expect(result.status == 69 && result.err.contains("deleted or replaced"), "\(result.err)")
    }

    @Test func argumentsThatAreNotUTF8AreRefused() throws {
        // Raw bytes through posix_spawn: Foundation's Process cannot pass invalid UTF-8.
        let words: [[UInt8]] = [Array("wir-cli".utf8), Array("claim".utf8), Array("--writes".utf8), [0x61, 0xFF]]
        var argv: [UnsafeMutablePointer<CChar>?] = words.map { bytes in
            let copy = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
            for (index, byte) in bytes.enumerated() { copy[index] = CChar(bitPattern: byte) }
            copy[bytes.count] = 0
            return copy
        } + [nil]
        defer { argv.forEach { $0?.deallocate() } }
        let setting: String = "WIR_REGISTRY=" + registry
        let env: [UnsafeMutablePointer<CChar>?] = [strdup(setting), nil]
        defer { env.forEach { free($0) } }
        var files = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&files)
        defer { posix_spawn_file_actions_destroy(&files) }
        posix_spawn_file_actions_addopen(&files, 2, dir.file("utf8.err"), O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var pid: pid_t = 0
        #expect(posix_spawn(&pid, BuiltProducts.directory + "/wir-cli", &files, nil, &argv, env) == 0)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let message = (try? String(contentsOfFile: dir.file("utf8.err"), encoding: .utf8)) ?? ""
        #expect((status >> 8) & 0xff == 64 && message.contains("not valid UTF-8"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: registry), "nothing was claimed")
    }

    @Test(arguments: ["x/[.]", "x/\\.", "x/.[.]", "x/[.][.]", "x/*/\\.\\."])
    func aGlobThatCanMatchNothingIsRefused(pattern: String) throws {
        #expect(throws: WirError.self) { try PathResolver.entry(dir.file(pattern), .write) }
    }

    @Test(arguments: ["x/.*", "x/[.a]", "x/?", "x/..?", "x/[!.]"])
    func aGlobThatCanMatchSomethingIsKept(pattern: String) throws {
        _ = try PathResolver.entry(dir.file(pattern), .write)
    }

    /// One rule for control characters (C0, DEL, C1, U+2028, U+2029) in paths,
    /// task ids, keys and labels.
    @Test(arguments: ["\u{85}", "\u{9B}", "\u{2028}", "\u{2029}", "\u{7F}", "\u{1B}"])
    func controlCharactersAreRefusedEverywhere(character: String) throws {
        #expect(throws: WirError.self) { try PathResolver.entry(dir.file("a" + character), .write) }
        #expect(throws: WirError.self) { try Limits.identifier("t" + character, "the task id") }
        let result = try wir(["claim", "--writes", "f", "--label", "l" + character])
        #expect(result.status == 64 && result.err.contains("control character"), "\(result.err)")
    }
}
