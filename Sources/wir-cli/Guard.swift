import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import WirEngine
import WirHost
import WirRegistry

/// `wir guard`: a git pre-commit check. The staged paths are checked against
/// the claims other tasks hold; a commit touching one is refused, naming its holder.
struct Guard: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guard",
        abstract: "Refuse a git commit that touches paths other tasks have claimed (a pre-commit hook).",
        discussion: """
            Checks the staged paths (git diff --cached --name-only --no-renames -z, run in the current \
            directory's repository) against the claims in flight, without claiming anything or writing to \
            the conflict log (where there is no registry yet, nothing is claimed and none is made). The caller's own task (--task, else $WIR_TASK_ID, which `wir run` sets) and \
            the claims above and below it do not count, nor do claims only queued. Exits 0 when nothing \
            staged is held by another task, else names each holder and exits 75 (0 with --warn). \
            --install writes .git/hooks/pre-commit (the repository's hooks directory) to run this check; an \
            existing hook is kept as pre-commit.before-wir and run after it.
            """)

    @OptionGroup var registry: RegistryOptions
    @Option(name: .long, help: ArgumentHelp("The caller's own task (default: $WIR_TASK_ID).", valueName: "id"))
    var task: String?
    @Flag(name: .long, help: "Report paths held by others without refusing the commit.") var warn = false
    @Flag(name: .long, help: "Install the check as the repository's pre-commit hook.") var install = false

    /// The line that marks a hook written by --install.
    static let marker = "# wir guard: refuses commits touching paths other tasks have claimed"
    static let chained = "pre-commit.before-wir"

    func run() throws {
        if install { return try installHook() }
        let top = Self.trimmed(try git(["rev-parse", "--show-toplevel"]))
        let staged = try git(["diff", "--cached", "--name-only", "--no-renames", "-z"])
            .split(separator: "\0").map { top + "/" + $0 }
        guard !staged.isEmpty else { return }
        guard let reg = try registry.openIfExists() else { return }    // no registry: nothing is claimed
        let own = task ?? Environment.value("WIR_TASK_ID")
        let conflicts = try Failure.map { try reg.probe(ClaimSpec(taskID: own, writes: staged)) }
            .filter { !$0.holderIsWaiting }
        guard !conflicts.isEmpty else { return }
        let holders = Set(conflicts.map(\.holderTaskID))
        Failure.say("wir guard: \(warn ? "warning: " : "")\(Set(conflicts.map(\.requested.text)).count) staged path(s) "
                    + "held by \(holders.count == 1 ? "another task" : "\(holders.count) other tasks"):")
        for conflict in conflicts {
            let until = conflict.holderWhileAlive ? "held while its owner runs"
                : "lease ends \(TimeText.relative(conflict.holderExpiresMs))"
            Failure.say("  \(relative(conflict.requested.text, top)) is held by task '\(conflict.holderTaskID)' "
                        + "(\(conflict.held.description), pid \(conflict.holderPID) on \(conflict.holderHost), \(until))")
        }
        if warn { return }
        Failure.say("wir guard: commit refused; commit when they are done, from the holding task (WIR_TASK_ID or "
                    + "--task), or skip this check with git commit --no-verify")
        throw ExitCode(Failure.tempFail)
    }

    private func relative(_ path: String, _ top: String) -> String {
        path.hasPrefix(top + "/") ? String(path.dropFirst(top.count + 1)) : path
    }

    /// Writes the pre-commit hook, keeping one that was there as `pre-commit.before-wir`.
    private func installHook() throws {
        var hooks = Self.trimmed(try git(["rev-parse", "--git-path", "hooks"]))
        if !hooks.hasPrefix("/") { hooks = FileManager.default.currentDirectoryPath + "/" + hooks }
        let hook = hooks + "/pre-commit"
        let manager = FileManager.default
        try? manager.createDirectory(atPath: hooks, withIntermediateDirectories: true)
        if let existing = try? String(contentsOfFile: hook, encoding: .utf8) {
            if existing.contains(Self.marker) {
                print("wir guard: \(hook) already runs the check")
                return
            }
            guard !manager.fileExists(atPath: hooks + "/" + Self.chained) else {
                Failure.say("wir guard: \(hooks)/\(Self.chained) exists already; move one of the hooks away first")
                throw ExitCode(Failure.usage)
            }
            guard rename(hook, hooks + "/" + Self.chained) == 0 else {
                Failure.say("wir guard: cannot move \(hook) aside: \(SystemFiles.describe(errno))")
                throw ExitCode(Failure.ioError)
            }
        }
        let wir = (try? manager.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? "wir"
        var command = [Self.quoted(wir), "guard"]
        if let path = registry.registry { command += ["--registry", Self.quoted(path)] }
        if warn { command.append("--warn") }
        let script = """
            #!/bin/sh
            \(Self.marker)
            # (written by `wir guard --install`; the hook that was here before runs after it)
            \(command.joined(separator: " ")) || exit $?
            if [ -x "$(dirname "$0")/\(Self.chained)" ]; then exec "$(dirname "$0")/\(Self.chained)" "$@"; fi

            """
        guard manager.createFile(atPath: hook, contents: Data(script.utf8), attributes: [.posixPermissions: 0o755]) else {
            Failure.say("wir guard: cannot write \(hook)")
            throw ExitCode(Failure.ioError)
        }
        print("wir guard: installed \(hook)" + (manager.fileExists(atPath: hooks + "/" + Self.chained)
                                                 ? " (the hook that was there runs after it, as \(Self.chained))" : ""))
    }

    static func quoted(_ text: String) -> String { "'" + text.replacing("'", with: "'\\''") + "'" }

    /// `text` without the line breaks around it (git ends its answers with one).
    static func trimmed(_ text: String) -> String {
        String(text.drop(while: \.isNewline).reversed().drop(while: \.isNewline).reversed())
    }

    /// Runs git with `arguments` in the current directory; its output, or a one-line failure.
    private func git(_ arguments: [String]) throws -> String {
        let run: (status: Int32, output: [UInt8], problem: [UInt8])
        do { run = try Self.spawn(["/usr/bin/env", "git"] + arguments) } catch let error as SpawnError {
            Failure.say("wir guard: cannot run git: \(error.message)")
            throw ExitCode(Failure.ioError)
        }
        guard run.status == 0 else {
            let first = String(decoding: run.problem, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
            Failure.say("wir guard: git \(arguments.joined(separator: " ")) failed: \(first)")
            throw ExitCode(Failure.usage)
        }
        return String(decoding: run.output, as: UTF8.self)
    }

    private struct SpawnError: Error { let message: String }

    /// Runs `argv` with its standard output and error read into memory; its exit status (or 128 +
    /// the signal that ended it) and both outputs.
    private static func spawn(_ argv: [String]) throws -> (status: Int32, output: [UInt8], problem: [UInt8]) {
        var out: [Int32] = [-1, -1], err: [Int32] = [-1, -1]
        guard pipe(&out) == 0 else { throw SpawnError(message: SystemFiles.describe(errno)) }
        guard pipe(&err) == 0 else {
            out.forEach { close($0) }
            throw SpawnError(message: SystemFiles.describe(errno))
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        posix_spawn_file_actions_adddup2(&actions, err[1], 2)
        for end in out + err { posix_spawn_file_actions_addclose(&actions, end) }
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let started = posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ)
        close(out[1])
        close(err[1])
        defer { close(out[0]); close(err[0]) }
        guard started == 0 else { throw SpawnError(message: SystemFiles.describe(started)) }
        let output = readAll(out[0])
        let problem = readAll(err[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        return (signal == 0 ? (status >> 8) & 0xff : 128 + signal, output, problem)
    }

    private static func readAll(_ fd: Int32) -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 { bytes += buffer[..<count]; continue }
            if count < 0 && errno == EINTR { continue }
            return bytes
        }
    }
}
