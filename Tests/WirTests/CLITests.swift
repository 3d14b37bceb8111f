import Foundation
import Testing
@testable import WirHost

/// The `wir` command run as a user would: the built binary, real processes, a real registry.
@Suite struct CLITests: CommandLineTest {
    let dir = TempDir()
    var registry: String { dir.file("registry.db") }

    static let helpPages = ["", "run", "claim", "release", "heartbeat", "ls", "who", "log", "history", "reap",
                            "config", "config get", "config set", "doctor", "hook", "guard"]

    @Test(arguments: helpPages)
    func helpMatchesItsGoldenText(command: String) throws {
        let arguments = command.split(separator: " ").map(String.init) + ["--help"]
        let help = try wir(arguments)
        #expect(help.status == 0)
        let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Golden/help-\(command.isEmpty ? "wir" : command.replacingOccurrences(of: " ", with: "-")).txt")
        if ProcessInfo.processInfo.environment["WIR_UPDATE_GOLDEN"] == "1" {
            try help.out.write(to: golden, atomically: true, encoding: .utf8)
        }
        #expect(help.out == (try String(contentsOf: golden, encoding: .utf8)), "wir \(command) --help changed")
    }

    @Test func exitCodesFollowTheCommand() throws {
        let ok = try wir(["run", "--task", "t1", "--writes", "f", "--", "sh", "-c", "echo $WIR_TASK_ID $WIR_TOKEN"])
        #expect(ok.status == 0 && ok.out == "t1 1\n")
        #expect(try wir(["run", "--writes", "f", "--", "sh", "-c", "exit 3"]).status == 3)
        #expect(try wir(["run", "--writes", "f", "--", "sh", "-c", "kill -TERM $$"]).status == 143)
        #expect(try wir(["run", "--writes", "f", "--", "/no/such/command"]).status == 127)
        let reasons = try wir(["history", "--json"]).out
        for reason in ["completed", "failed", "cancelled"] { #expect(reasons.contains("\"reason\":\"\(reason)\"")) }
    }

    @Test(arguments: [
        (["run", "--", "true"], "at least one path"),
        (["run", "--writes", "", "--", "true"], "path is empty"),
        (["run", "--writes", "f", "--policy", "sometimes", "--", "true"], "sometimes"),
        (["run", "--writes", "f", "--ttl=-5", "--", "true"], "-5"),
        (["run", "--writes", "f"], "missing command"),
        (["run", "--writes", "f", "--timeout", "soon", "--", "true"], "soon"),
        (["release", "t"], "--key"),
        (["config", "set", "ttl", "forever"], "duration"),
        (["config", "get", "colour"], "colour"),
        (["who", ""], "empty"),
        (["log", "--since", "nope"], "nope"),
        (["history", "--limit", "many"], "many"),
        (["run", "--task", "", "--writes", "f", "--", "true"], "task id"),
        (["run", "--writes", "src/[ab", "--", "true"], "unclosed"),
        (["heartbeat", "t", "--key", "k", "--ttl=-1"], "-1"),
        (["release", "t", "--key", "k", "--outcome", "forced"], "outcome"),
        (["claim", "--writes", "f", "--owner-pid", "abc"], "abc"),
        (["log", "--outcome", "stomped"], "unknown outcome 'stomped'"),
        (["config", "set", "log_days", "a month"], "whole number of days"),
        (["hook", "cursor"], "unknown agent 'cursor'"),
        (["hook", "claude-code", "--ttl", "0"], "--ttl"),
        (["claim", "--writes", "~/notes"], "starts with '~'"),
        (["run", "--confine=maybe", "--writes", "f", "--", "true"], "maybe"),
        (["run", "--allow-write", "cache", "--writes", "f", "--", "true"], "--allow-write"),
        (["run", "--confine", "--allow-write", "c*", "--writes", "f", "--", "true"], "glob"),
        (["config", "set", "confine", "sometimes"], "sometimes"),
    ])
    func badArgumentsGiveOneLineAndExit64(arguments: [String], named: String) throws {
        let result = try wir(arguments)
        #expect(result.status == 64)
        let lines = result.err.split(separator: "\n")
        #expect(lines.count == 1 && result.err.contains(named), "\(result.err)")
    }

    @Test func aRefusedRunNamesTheHolderAndRunsNothing() throws {
        let holder = try gatedHolder("holder", ["state.json"])
        try waitForClaim("holder")
        let refused = try wir(["run", "--task", "late", "--writes", ".", "--", "touch", "ran"])
        #expect(refused.status == 75)
        #expect(refused.err.contains("'holder'") && refused.err.contains("state.json"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("ran")))
        let timedOut = try wir(["run", "--writes", "state.json", "--policy", "queue", "--timeout", "0.2s", "--", "true"])
        #expect(timedOut.status == 75 && timedOut.err.contains("timed out"))
        let patient = try start(["run", "--task", "patient", "--writes", "state.json", "--policy", "queue", "--",
                                 "sh", "-c", "echo admitted"])
        try waitForWaiters(1)
        openGate()
        let queued = finish(patient)
        #expect(queued.status == 0 && queued.out == "admitted\n")
        #expect(finish(holder).status == 0)
        let log = try wir(["log", "--json"]).out
        #expect(log.contains("\"outcome\":\"refused\"") && log.contains("\"outcome\":\"admitted\""))
    }

    /// A polling worker's refusals are one row with a count; queue waits that ended admitted are kept apart.
    @Test func logKeepsRefusalsAndWaitsApartAndCountsRetries() throws {
        let holder = try gatedHolder("holder", ["state.json"])
        try waitForClaim("holder")
        for _ in 0..<3 { #expect(try wir(["claim", "--task", "poller", "--writes", "state.json"]).status == 75) }
        let patient = try start(["run", "--task", "patient", "--writes", "state.json", "--policy", "queue", "--", "true"])
        try waitForWaiters(1)
        openGate()
        #expect(finish(patient).status == 0 && finish(holder).status == 0)
        func rows(_ filter: [String]) throws -> [[String: Any]] {
            let out = try wir(["log", "--json"] + filter).out
            return try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]] ?? []
        }
        let refusals = try rows(["--refusals"])
        #expect(refusals.map { "\($0["task_id"]!):\($0["outcome"]!):\($0["count"]!)" } == ["poller:refused:3"])
        #expect(try rows(["--waits"]).map { "\($0["task_id"]!):\($0["outcome"]!)" } == ["patient:admitted"])
        #expect(try rows(["--outcome", "admitted,refused"]).count == 2)
        let table = try wir(["log", "--refusals"]).out
        #expect(table.contains("poller") && table.contains("3 since") && !table.contains("patient"))
    }

    @Test func queueProgressShowsOnATerminalOnly() throws {
        let holder = try gatedHolder("holder", ["f"])
        try waitForClaim("holder")
        let command = "\(BuiltProducts.directory)/wir-cli run --policy queue --writes f -- true"
        let onTerminal = Process()
        onTerminal.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        onTerminal.arguments = ["-qec", command, "/dev/null"]
        // Sanitizer settings pass through, so the suite also runs under ASan and TSan.
        let sanitizers = ProcessInfo.processInfo.environment.filter { $0.key.hasSuffix("SAN_OPTIONS") }
        onTerminal.environment = ["WIR_REGISTRY": registry, "PATH": "/usr/bin:/bin", "TERM": "dumb"]
            .merging(sanitizers) { mine, _ in mine }
        onTerminal.currentDirectoryURL = URL(fileURLWithPath: dir.path)
        let screen = dir.file("screen")
        FileManager.default.createFile(atPath: screen, contents: nil)
        onTerminal.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: screen))
        try onTerminal.run()
        let offStarted = try start(["run", "--policy", "queue", "--writes", "f", "--", "true"])
        try waitForWaiters(2)
        openGate()
        let offTerminal = finish(offStarted)
        onTerminal.waitUntilExit()
        let shown = try String(contentsOfFile: screen, encoding: .utf8)
        #expect(onTerminal.terminationStatus == 0)
        #expect(shown.contains("queued") && shown.contains("waiting for 'holder'") && shown.contains("/f"))
        #expect(offTerminal.status == 0 && offTerminal.err.isEmpty, "no progress when stderr is not a terminal")
        #expect(finish(holder).status == 0)
    }

    @Test func twoRunsStartedTogetherOneRefusedNamingTheOther() throws {
        let first = try gatedHolder("left", ["state.json"])
        let second = try gatedHolder("right", ["state.json"])
        // The loser returns at once; only then may the winner finish.
        var finished: CommandResult? = nil
        for _ in 0..<500 where finished == nil {
            if !first.0.isRunning { finished = finish(first) } else if !second.0.isRunning { finished = finish(second) }
            usleep(20_000)
        }
        openGate()
        let results = [finish(first), finish(second)]
        #expect(results.map(\.status).sorted() == [0, 75])
        let loser = results.first { $0.status == 75 }
        let winner = results[0].status == 0 ? "left" : "right"
        #expect(loser?.err.contains("'\(winner)'") == true, "the refusal names the winner")
    }

    @Test func logFollowPrintsNewConflictsAsTheyCome() throws {
        let follower = try start(["log", "--follow", "--json"])
        defer { follower.0.terminate(); kill(follower.0.processIdentifier, SIGKILL) }
        let holder = try gatedHolder("holder", ["f"])
        try waitForClaim("holder")
        #expect(try wir(["run", "--task", "late", "--writes", "f", "--", "true"]).status == 75)
        var seen = ""
        for _ in 0..<100 where !seen.contains("\"task_id\":\"late\"") {
            usleep(50_000)
            seen = (try? String(contentsOf: follower.1, encoding: .utf8)) ?? ""
        }
        let row = try JSONSerialization.jsonObject(with: Data((seen.split(separator: "\n").first ?? "").utf8))
        #expect((row as? [String: Any])?["outcome"] as? String == "refused")
        openGate()
        _ = finish(holder)
    }

    @Test func signalsAreForwardedToTheCommand() throws {
        let running = try start(["run", "--task", "long", "--writes", "f", "--", "sleep", "30"])
        try waitForClaim("long")
        kill(running.0.processIdentifier, SIGTERM)
        #expect(finish(running).status == 143)
        #expect(try wir(["history", "--json"]).out.contains("\"reason\":\"cancelled\""))
    }

    /// A `wir run` inside a `wir run`, on a path within the outer claim, is a sub-claim: admitted
    /// at once (it used to wait on its own parent for ever).
    @Test func aNestedRunIsASubClaimOfItsParent() throws {
        let nested = try runShell("outer", "D", "wir-cli run --task inner --policy queue --timeout 30s --writes D/sub -- "
                                  + "sh -c 'echo inner under $WIR_TASK_ID'")
        #expect(nested.status == 0 && nested.out == "inner under inner\n", "\(nested.err)")
        let history = try wir(["history", "--json"]).out
        #expect(history.contains("\"task_id\":\"inner\"") && history.contains("\"task_id\":\"outer\""))
    }

    /// Sub-claims of one parent exclude each other, as any two claims do.
    @Test func siblingSubClaimsExcludeEachOther() throws {
        let script = """
            wir-cli run --task first --writes D/x -- sh -c 'touch started; while [ ! -e stop ]; do sleep 0.02; done' &
            while [ ! -e started ]; do sleep 0.02; done
            wir-cli run --task second --writes D/x/y -- true; echo "second $?"
            touch stop; wait
            """
        let result = try runShell("parent", "D", script)
        #expect(result.status == 0 && result.out == "second 75\n", "\(result.out) \(result.err)")
        #expect(result.err.contains("held by task 'first'"), "\(result.err)")
    }

    /// A queued claim that would wait on a claim its own ancestor owns is refused at once.
    @Test func waitingOnAnAncestorIsRefusedAtOnce() throws {
        let result = try runShell("outer", "E", "wir-cli run --no-parent --policy queue --writes E/sub -- true")
        #expect(result.status == 75 && result.err.contains("would wait for ever"), "\(result.err)")
    }

    /// `--on-lost term`: when the claim is released by force while the command runs, its group
    /// gets SIGTERM, and `wir run` exits 69.
    @Test func losingTheClaimStopsTheCommand() throws {
        let script = "trap 'echo TERM > got; exit 0' TERM; touch ready; while :; do sleep 0.02; done"
        let running = try start(["run", "--task", "victim", "--writes", "f", "--on-lost", "term", "--",
                                 "sh", "-c", script])
        for _ in 0..<1500 where !FileManager.default.fileExists(atPath: dir.file("ready")) { usleep(10_000) }
        #expect(try wir(["release", "victim", "--force"]).status == 0)
        let result = finish(running)
        #expect(result.status == 69, "\(result.err)")
        #expect(result.err.contains("lost its claim") && result.err.contains("forced"), "\(result.err)")
        #expect((try? String(contentsOfFile: dir.file("got"), encoding: .utf8)) == "TERM\n")
    }

    @Test func theRefusalExitStatusCanBeChosen() throws {
        let holder = try gatedHolder("holder", ["f"])
        defer { openGate(); _ = finish(holder) }
        try waitForClaim("holder")
        #expect(try wir(["run", "--writes", "f", "--refused-exit", "3", "--", "true"]).status == 3)
        #expect(try wir(["run", "--writes", "f", "--", "true"], environment: ["WIR_REFUSED_EXIT": "4"]).status == 4)
        #expect(try wir(["claim", "--writes", "f"], environment: ["WIR_REFUSED_EXIT": "5"]).status == 5)
    }

    /// `kill -9` of `wir run` leaves the claim with the command's process
    /// group: a rival is refused while anything in it runs, and admitted as soon
    /// as the group is gone (history: owner-dead).
    @Test func aKilledRunLeavesTheClaimWithTheCommandUntilItEnds() throws {
        // posix_spawn and waitpid, not Foundation's Process: its waitUntilExit
        // also waits for the orphaned grandchild, which lives on by design here.
        let pidFile = dir.file("child.pid")
        let words: [String] = [BuiltProducts.directory + "/wir-cli", "run", "--task", "doomed", "--writes",
                               dir.file("f"), "--", "sh", "-c", "sleep 30 & echo $! > \(pidFile); wait"]
        let settings: [String] = ["WIR_REGISTRY=\(registry)", "PATH=/usr/bin:/bin"]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = settings.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        #expect(posix_spawn(&pid, words[0], nil, nil, argv, envp) == 0)
        var sleeper: Int32?
        for _ in 0..<500 where sleeper == nil {         // the command runs only once the claim is its group's
            sleeper = (try? String(contentsOfFile: pidFile, encoding: .utf8))
                .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            usleep(10_000)
        }
        let group = try #require(sleeper.flatMap { ProcessIdentity.stat(of: $0)?.group })
        defer { kill(-group, SIGKILL) }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let refused = try wir(["claim", "--task", "rival", "--writes", "f"])
        #expect(refused.status == 75 && refused.err.contains("doomed"), "\(refused.err)")
        kill(-group, SIGKILL)
        var admitted = false
        for _ in 0..<500 where !admitted {              // the group's processes are reaped by init
            admitted = try wir(["run", "--writes", "f", "--", "true"]).status == 0
            if !admitted { usleep(10_000) }
        }
        #expect(admitted)
        #expect(try wir(["history", "--json"]).out.contains("\"task_id\":\"doomed\""))
        #expect(try wir(["history", "--json"]).out.contains("\"reason\":\"owner-dead\""))
    }

    @Test func scriptsClaimHeartbeatAndReleaseInSteps() throws {
        let claimed = try wir(["claim", "--task", "step", "--writes", "f", "--owner-pid", "\(getpid())"])
        #expect(claimed.status == 0)
        let fields = Dictionary(uniqueKeysWithValues: claimed.out.split(separator: "\n").map {
            let parts = $0.split(separator: "=", maxSplits: 1)
            return (String(parts[0]), String(parts[1]))
        })
        let key = try #require(fields["WIR_KEY"])
        #expect(fields["WIR_TASK_ID"] == "step" && fields["WIR_TOKEN"] == "1")
        #expect(try wir(["heartbeat", "step", "--key", key, "--ttl", "1h"]).status == 0)
        #expect(try wir(["heartbeat", "step", "--key", "wrong"]).status == 1)
        #expect(try wir(["claim", "--writes", "f"]).status == 75)
        #expect(try wir(["release", "step", "--key", key, "--outcome", "failed"]).status == 0)
        #expect(try wir(["release", "step", "--key", key]).status == 1)
    }

    @Test func jsonListingsParseAndFollowTheSchema() throws {
        _ = try wir(["config", "set", "grace", "2s"])
        #expect(try wir(["config", "get", "grace"]).out == "2s\n")
        let holder = try gatedHolder("holder", ["src/*.py"], extra: ["--label", "nightly", "--reads", "data"])
        try waitForClaim("holder")
        _ = try wir(["run", "--writes", "src/a.py", "--", "true"])
        func object(_ arguments: [String]) throws -> Any {
            let result = try wir(arguments)
            #expect(result.status == 0, "\(arguments): \(result.err)")
            return try JSONSerialization.jsonObject(with: Data(result.out.utf8))
        }
        let ls = try #require(try object(["ls", "--json"]) as? [String: Any])
        let claim = try #require((ls["claims"] as? [[String: Any]])?.first)
        #expect(claim["task_id"] as? String == "holder" && claim["label"] as? String == "nightly")
        let entries = try #require(claim["entries"] as? [[String: Any]])
        #expect(Set(entries.compactMap { $0["access"] as? String }) == ["read", "write"])
        #expect(entries.contains { $0["glob"] as? Bool == true })
        #expect((ls["waiters"] as? [Any])?.isEmpty == true)
        let who = try #require(try object(["who", "--json", "src/b.py"]) as? [String: Any])
        #expect((who["claims"] as? [[String: Any]])?.count == 1)
        let log = try #require(try object(["log", "--json"]) as? [[String: Any]])
        #expect(log.first?["outcome"] as? String == "refused" && log.first?["held"] is [String: Any])
        openGate()
        #expect(finish(holder).status == 0)
        let history = try #require(try object(["history", "--json"]) as? [[String: Any]])
        #expect(history.first?["duration_ms"] is Int && history.first?["label"] as? String == "nightly")
        #expect(try object(["reap", "--json"]) is [Any])
        let doctor = try #require(try object(["doctor", "--json"]) as? [String: Any])
        #expect(doctor["integrity"] as? String == "ok" && doctor["schema_version"] as? Int == 9)
        let claimed = try #require(try object(["claim", "--json", "--writes", "g", "--owner-pid", "\(getpid())"]) as? [String: Any])
        #expect(claimed["key"] is String && claimed["token"] is Int)
    }
}
