import ArgumentParser
import Foundation
import WirEngine
import WirHost
import WirRegistry

/// `wir guard`: a git pre-commit check. The staged paths are checked against
/// the claims other tasks hold; a commit touching one is refused, naming its holder.
struct Guard: ParsableCommand {
    static let configuration = CommandConfiguration(
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
        let top = try git(["rev-parse", "--show-toplevel"]).trimmingCharacters(in: .newlines)
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
        var hooks = try git(["rev-parse", "--git-path", "hooks"]).trimmingCharacters(in: .newlines)
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
            do { try manager.moveItem(atPath: hook, toPath: hooks + "/" + Self.chained) } catch {
                Failure.say("wir guard: cannot move \(hook) aside: \(error.localizedDescription)")
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

    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Runs git with `arguments` in the current directory; its output, or a one-line failure.
    private func git(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch {
            Failure.say("wir guard: cannot run git: \(error.localizedDescription)")
            throw ExitCode(Failure.ioError)
        }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let problem = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let first = String(decoding: problem, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
            Failure.say("wir guard: git \(arguments.joined(separator: " ")) failed: \(first)")
            throw ExitCode(Failure.usage)
        }
        return String(decoding: output, as: UTF8.self)
    }
}
