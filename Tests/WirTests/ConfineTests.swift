import Foundation
import Testing

/// `wir run --confine`: real processes under real Landlock rulesets from this
/// kernel. Each command reports what each file operation did ("op path: ok"
/// or the errno's name), and the files are read back afterwards. The
/// unsupported kernel is the same code with its ABI lowered by WIR_LANDLOCK_ABI.
@Suite struct ConfineTests: CommandLineTest {
    let dir = TempDir()
    var registry: String { dir.file("registry.db") }

    /// The command line of Tests/confine-probe.py doing `operations`, for `wir run ... --`: it
    /// prints one line each, "op path: ok" or "op path: EACCES" (the errno's name).
    func probe(_ operations: [(String, String)]) -> [String] {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("confine-probe.py").path
        return ["python3", script] + operations.flatMap { [$0.0, $0.1] }
    }

    /// What the probe prints for `operations` all ending with `result`.
    func expected(_ operations: [(String, String)], _ result: String) -> String {
        operations.map { "\($0.0) \($0.1): \(result)\n" }.joined()
    }

    /// Makes `files` (path: content; a path ending in "/" is a directory) under the test's directory.
    func make(_ files: [String: String]) throws {
        for (path, content) in files.sorted(by: { $0.key < $1.key }) {
            if path.hasSuffix("/") {
                try FileManager.default.createDirectory(atPath: dir.file(path), withIntermediateDirectories: true)
            } else {
                try FileManager.default.createDirectory(atPath: dir.file((path as NSString).deletingLastPathComponent),
                                                        withIntermediateDirectories: true)
                try content.write(toFile: dir.file(path), atomically: false, encoding: .utf8)
            }
        }
    }

    func read(_ path: String) -> String? { try? String(contentsOfFile: dir.file(path), encoding: .utf8) }
    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: dir.file(path)) }

    @Test func writesOutsideTheClaimGetEACCESAndLeaveTheFilesUntouched() throws {
        try make(["D/": "", "outside.txt": "orig", "other/f": "orig"])
        let outside = [("append", "outside.txt"), ("overwrite", "outside.txt"), ("truncate", "outside.txt"),
                       ("create", "new.txt"), ("create", "registry.db-other"), ("mkdir", "newdir"),
                       ("remove", "other/f"), ("replace", "other/f")]
        let run = try wir(["run", "--confine", "--writes", "D", "--"] + probe(outside))
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out == expected(outside, "EACCES"))
        #expect(read("outside.txt") == "orig" && read("other/f") == "orig")
        #expect(!exists("new.txt") && !exists("registry.db-other") && !exists("newdir") && !exists("other/f.tmp"))
    }

    @Test func insideTheClaimWritesCreatesMkdirsAndAtomicReplacesWork() throws {
        try make(["D/existing": "orig", "F/state.json": "orig", "G/": ""])
        let inside = [("overwrite", "D/existing"), ("create", "D/new"), ("mkdir", "D/sub"), ("create", "D/sub/deep"),
                      ("move", "D/new:D/sub/moved"), ("remove", "D/sub/deep"),
                      ("replace", "F/state.json"), ("append", "F/state.json"), ("create", "G/new.json")]
        let run = try wir(["run", "--confine", "--writes", "D", "--writes", "F/state.json", "--writes", "G/new.json",
                           "--"] + probe(inside))
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out == expected(inside, "ok"))
        #expect(read("D/existing") == "newg" && read("D/sub/moved") == "new" && !exists("D/sub/deep"))
        #expect(read("F/state.json") == "replacedx" && read("G/new.json") == "new")
    }

    @Test func aGrandchildIsConfinedToo() throws {
        try make(["D/": "", "outside.txt": "orig"])
        let command = probe([("append", "outside.txt"), ("create", "D/ok")]).joined(separator: " ")
        let run = try wir(["run", "--confine", "--writes", "D", "--", "sh", "-c", "sh -c '\(command)' && true"])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out == "append outside.txt: EACCES\ncreate D/ok: ok\n")
        #expect(read("outside.txt") == "orig")
    }

    /// A confined run inside a confined run is a sub-claim (the registry stays usable inside) and
    /// is confined to its own, narrower claim: what the outer run may write, the inner may not,
    /// and its --allow-write cannot widen what the outer allows.
    @Test func aNestedConfinedRunIsNarrower() throws {
        try make(["D/inner/": "", "outside/": ""])
        let inner = probe([("create", "D/inner/x"), ("create", "D/y"), ("create", "outside/z")])
        let outer = probe([("create", "D/after")])
        let script = "wir-cli run --task inner --confine --allow-write outside --writes D/inner -- "
            + inner.joined(separator: " ") + " && " + outer.joined(separator: " ")
        let run = try runShell("outer", "D", script, extra: ["--confine"])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out == "create D/inner/x: ok\ncreate D/y: EACCES\ncreate outside/z: EACCES\ncreate D/after: ok\n")
        let history = try wir(["history", "--json"]).out
        #expect(history.contains("\"task_id\":\"inner\"") && history.contains("\"task_id\":\"outer\""))
    }

    /// A sub-claim queued inside a confined run waits for its sibling and is woken by its release:
    /// the confined waiter may bind its wake-up socket beside the registry (it used to fail with
    /// an I/O error, the kernel refusing the socket).
    @Test func aQueuedSubClaimInsideAConfinedRunIsWoken() throws {
        try make(["D/": ""])
        let gate = dir.file("gate")
        let script = "wir-cli run --task first --writes D/x -- sh -c 'while [ ! -e \(gate) ]; do sleep 0.02; done' & "
            + "until wir-cli ls --json | grep -q '\"task_id\":\"first\"'; do sleep 0.02; done; "
            + "wir-cli run --task second --policy queue --timeout 30s --writes D/x -- true; echo \"second=$?\"; wait"
        let outer = try start(["run", "--task", "outer", "--confine", "--writes", "D", "--", "sh", "-c", script],
                              environment: ["PATH": BuiltProducts.directory + ":/usr/bin:/bin"])
        try waitForWaiters(1)
        openGate()
        let run = finish(outer)
        #expect(run.status == 0 && run.out.contains("second=0"), "\(run.out) \(run.err)")
    }

    /// The command's $TMPDIR is a private directory made for it, writable, and gone afterwards.
    @Test func aCommandThatWritesOnlyToItsTMPDIRWorks() throws {
        try make(["D/": ""])
        let run = try wir(["run", "--confine", "--writes", "D", "--", "sh", "-c",
                           "echo data > \"$TMPDIR/scratch\" && mkdir \"$TMPDIR/d\" && cat \"$TMPDIR/scratch\" && echo \"$TMPDIR\""])
        #expect(run.status == 0, "\(run.err)")
        let lines = run.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 2 && lines[0] == "data")
        let temp = try #require(lines.last)
        #expect(temp.contains("/wir-run-") && !FileManager.default.fileExists(atPath: temp), "removed afterwards")
    }

    /// --allow-write paths (and the private TMPDIR) are recorded with the claim and listed.
    @Test func allowedWritesAreWritableAndListed() throws {
        try make(["D/": "", "cache/": ""])
        let holder = try start(["run", "--task", "confined", "--confine", "--allow-write", "cache", "--writes", "D",
                                "--", "sh", "-c", "echo x > cache/x; while [ ! -e gate ]; do sleep 0.02; done"])
        try waitForClaim("confined")
        let json = try JSONSerialization.jsonObject(with: Data(try wir(["ls", "--json"]).out.utf8)) as? [String: Any]
        let claim = try #require((json?["claims"] as? [[String: Any]])?.first)
        let allowed = try #require(claim["allow_writes"] as? [String])
        #expect(allowed.count == 2 && allowed.contains(dir.file("cache")) && allowed.contains { $0.contains("/wir-run-") })
        let table = try wir(["ls"]).out
        #expect(table.contains("may also write") && table.contains(dir.file("cache")), "\(table)")
        openGate()
        #expect(finish(holder).status == 0)
        #expect(read("cache/x") == "x\n")
        #expect(try wir(["run", "--writes", "D", "--allow-write", "cache", "--", "true"]).status == 64,
                "--allow-write alone confines nothing")
    }

    /// The registry setting and WIR_CONFINE make confinement the default; --confine=off overrides both.
    @Test func confinementCanBeTheDefault() throws {
        try make(["D/": "", "outside.txt": "orig"])
        let append = probe([("append", "outside.txt")])
        #expect(try wir(["config", "set", "confine", "strict"]).status == 0)
        #expect(try wir(["config", "get", "confine"]).out == "strict\n")
        #expect(try wir(["run", "--writes", "D", "--"] + append).out == "append outside.txt: EACCES\n")
        #expect(try wir(["run", "--confine=off", "--writes", "D", "--"] + append).out == "append outside.txt: ok\n")
        #expect(try wir(["config", "set", "confine", "off"]).status == 0)
        #expect(try wir(["run", "--writes", "D", "--"] + append).out == "append outside.txt: ok\n")
        #expect(try wir(["run", "--writes", "D", "--"] + append, environment: ["WIR_CONFINE": "1"]).out
                == "append outside.txt: EACCES\n")
        let bogus = try wir(["run", "--writes", "D", "--", "true"], environment: ["WIR_CONFINE": "sometimes"])
        #expect(bogus.status == 64 && bogus.err.contains("WIR_CONFINE"), "\(bogus.err)")
        #expect(read("outside.txt") == "origxx")
    }

    /// A kernel without Landlock (forced): --confine runs nothing and claims nothing, with a
    /// message that says why; --confine=best-effort runs the command unconfined and says so.
    @Test func withoutLandlockConfineFailsBeforeRunningAnything() throws {
        try make(["D/": "", "outside.txt": "orig"])
        let noLandlock = ["WIR_LANDLOCK_ABI": "0"]
        let strict = try wir(["run", "--confine", "--writes", "D", "--", "touch", "ran"], environment: noLandlock)
        #expect(strict.status == 78)
        #expect(strict.err.contains("no Landlock") && strict.err.contains("--confine=best-effort"), "\(strict.err)")
        #expect(!exists("ran"))
        let history = try wir(["history", "--json"]).out, log = try wir(["log", "--json"]).out
        #expect(history == "[]\n" && log == "[]\n", "nothing was claimed")
        let lenient = try wir(["run", "--confine=best-effort", "--writes", "D", "--"] + probe([("append", "outside.txt")]),
                              environment: noLandlock)
        #expect(lenient.status == 0 && lenient.out == "append outside.txt: ok\n")
        #expect(lenient.err.contains("warning") && lenient.err.contains("nothing can be confined"), "\(lenient.err)")
    }

    /// A kernel with Landlock ABI 2 (forced) cannot refuse truncation: --confine refuses to run;
    /// --confine=best-effort runs confined without it, as it says.
    @Test func anOlderLandlockIsRefusedOrUsedAsFarAsItGoes() throws {
        try make(["D/": "", "outside.txt": "orig", "other.txt": "orig"])
        let abi2 = ["WIR_LANDLOCK_ABI": "2"]
        let strict = try wir(["run", "--confine", "--writes", "D", "--", "touch", "ran"], environment: abi2)
        #expect(strict.status == 78 && strict.err.contains("truncat") && strict.err.contains("ABI 3"), "\(strict.err)")
        #expect(!exists("ran"))
        let lenient = try wir(["run", "--confine=best-effort", "--writes", "D", "--"]
                              + probe([("append", "other.txt"), ("truncate", "outside.txt")]), environment: abi2)
        #expect(lenient.status == 0 && lenient.out == "append other.txt: EACCES\ntruncate outside.txt: ok\n")
        #expect(lenient.err.contains("truncat"), "\(lenient.err)")
        #expect(read("other.txt") == "orig" && read("outside.txt") == "")
    }

    /// An entry with nothing on disk to attach its rule to is named, and nothing runs.
    @Test func anEntryWithNoDirectoryIsNamedAndNothingRuns() throws {
        let run = try wir(["run", "--confine", "--writes", "nowhere/deep/x", "--", "touch", "ran"])
        #expect(run.status == 64 && run.err.contains("nowhere/deep/x") && run.err.contains("create"), "\(run.err)")
        #expect(!exists("ran"))
        #expect(try wir(["ls", "--json"]).out.contains("\"claims\":[]"))
    }

    /// The kernel stacks at most 16 confinements: the 17th nested run is refused by the kernel in
    /// the child, after the claim and before exec, and says so; its command never runs.
    @Test func theSeventeenthNestedConfinementRunsNothing() throws {
        try make(["D/": ""])
        var command = "touch D/ran"
        for _ in 0..<16 { command = "wir-cli run --confine --writes D -- \(command)" }
        let run = try runShell("outermost", "D", command, extra: ["--confine"])
        #expect(run.status == 126, "\(run.err)")
        #expect(run.err.contains("16 nested confinements at most"), "\(run.err)")
        #expect(!exists("D/ran"))
    }

    /// On a PostgreSQL registry nothing on disk is needed: a confined run takes sub-claims.
    @Test(.enabled(if: PostgresTestServer.isConfigured, "WIR_TEST_POSTGRES names no PostgreSQL server"))
    func aConfinedRunUsesAPostgreSQLRegistry() throws {
        let schema = ScratchSchema("confine")
        try make(["D/": "", "outside.txt": "orig"])
        let inner = probe([("create", "D/x"), ("append", "outside.txt")]).joined(separator: " ")
        let run = try runShell("outer", "D", "wir-cli run --confine --writes D/x -- \(inner)", extra: ["--confine"],
                               environment: ["WIR_REGISTRY": schema.url])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out == "create D/x: ok\nappend outside.txt: EACCES\n")
    }
}
