import Foundation
import Testing

/// A suite that runs the built `wir` command as a user would, in its own
/// directory (`dir`, also the working directory) with its own registry.
protocol CommandLineTest {
    var dir: TempDir { get }
    var registry: String { get }
}

/// What a `wir` command printed and how it exited.
struct CommandResult { var status: Int32; var out: String; var err: String }

extension CommandLineTest {
    /// Runs `wir ARGS` with the test's registry; waits for it.
    func wir(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
        let process = try start(arguments, environment: environment)
        return finish(process)
    }

    /// Output goes to files, not pipes: a child that outlives `wir` (or a process
    /// another test starts meanwhile) may inherit a pipe and keep it open.
    func start(_ arguments: [String], environment: [String: String] = [:]) throws -> (Process, URL, URL) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuiltProducts.directory + "/wir-cli")
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["WIR_REGISTRY"] = registry
        env["COLUMNS"] = "100"
        env["WIR_POLICY"] = nil
        for (name, value) in environment { env[name] = value }
        process.environment = env
        process.currentDirectoryURL = URL(fileURLWithPath: dir.path)
        let out = URL(fileURLWithPath: dir.file("stdout-\(UUID().uuidString)"))
        let err = URL(fileURLWithPath: dir.file("stderr-\(UUID().uuidString)"))
        for file in [out, err] { FileManager.default.createFile(atPath: file.path, contents: nil) }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        return (process, out, err)
    }

    /// Runs `wir ARGS`, killing it if it has not ended after `seconds`: a hang
    /// is recorded as an issue and returns status -1.
    func wir(_ arguments: [String], environment: [String: String] = [:], killAfter seconds: Double)
        throws -> CommandResult {
        let started = try start(arguments, environment: environment)
        let deadline = Date().addingTimeInterval(seconds)
        while started.0.isRunning && Date() < deadline { usleep(20_000) }
        guard !started.0.isRunning else {
            kill(started.0.processIdentifier, SIGKILL)
            _ = finish(started)
            Issue.record("wir \(arguments.joined(separator: " ")) hung for \(seconds) s")
            return CommandResult(status: -1, out: "", err: "")
        }
        return finish(started)
    }

    func finish(_ started: (Process, URL, URL)) -> CommandResult {
        let (process, out, err) = started
        process.waitUntilExit()
        let output = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        let error = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        return CommandResult(status: process.terminationStatus, out: output, err: error)
    }

    /// Runs `script` with `sh -c` under `wir run --task <task> --writes <writes>`, with the
    /// built `wir-cli` first on PATH.
    func runShell(_ task: String, _ writes: String, _ script: String, extra: [String] = [],
                  environment: [String: String] = [:]) throws -> CommandResult {
        try wir(["run", "--task", task, "--writes", writes] + extra + ["--", "sh", "-c", script],
                environment: ["PATH": BuiltProducts.directory + ":/usr/bin:/bin"].merging(environment) { $1 })
    }

    /// A `wir run` that holds `writes` until `openGate(name)`: tests never race a fixed sleep,
    /// so they hold under sanitizers that slow everything down.
    func gatedHolder(_ task: String, _ writes: [String], gate name: String = "gate", extra: [String] = []) throws
        -> (Process, URL, URL) {
        var arguments = ["run", "--task", task] + extra
        for path in writes { arguments += ["--writes", path] }
        return try start(arguments + ["--", "sh", "-c", "while [ ! -e \(dir.file(name)) ]; do sleep 0.02; done"])
    }

    func openGate(_ name: String = "gate") {
        FileManager.default.createFile(atPath: dir.file(name), contents: nil)
    }

    /// Waits until `wir ls --json` shows `count` waiters.
    func waitForWaiters(_ count: Int) throws {
        for _ in 0..<500 {
            let ls = try wir(["ls", "--json"]).out
            if ls.components(separatedBy: "\"ticket\"").count - 1 >= count { return }
            usleep(20_000)
        }
        Issue.record("never saw \(count) waiters")
    }

    /// Waits until `wir ls --json` shows a claim for `task`.
    func waitForClaim(_ task: String) throws {
        for _ in 0..<500 {
            if try wir(["ls", "--json"]).out.contains("\"task_id\":\"\(task)\"") { return }
            usleep(20_000)
        }
        Issue.record("task \(task) never showed up in `wir ls`")
    }
}
