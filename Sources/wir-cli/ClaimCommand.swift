#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import WirEngine
import WirRegistry

/// `wir claim`: claim in one step, release in another (for scripts).
struct ClaimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claim",
        abstract: "Claim paths for a script; release later with `wir release`.",
        discussion: """
            Prints WIR_TASK_ID, WIR_KEY and WIR_TOKEN as shell assignments (eval "$(wir claim ...)"), or \
            with --json an object (docs/json.md), also when refused. Without --owner-pid the claim is tied to \
            the calling shell (this command's parent); when that process dies, the claim ends, so a parent \
            that is not a shell (timeout, env, another program) gets a warning. A claim may name only \
            --reads. Exits 75 when refused or timed out.
            """)

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var claim: ClaimOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("The process whose death ends the claim (default: the parent process).",
                                            valueName: "pid"))
    var ownerPid: Int32?

    func run() throws {
        let reg = try registry.open()
        let owner = ownerPid ?? getppid()
        let outcome = try Failure.map { try reg.claim(claim.spec(ownerPID: owner), whileQueued: Progress.reporter()) }
        let refusedExit = try Failure.refusedExitFromEnvironment()
        if output.json, case .refused(let conflicts) = outcome.result {
            print(Self.refusalJSON(outcome.taskID, status: "refused", conflicts))
        } else if output.json, case .timedOut(let conflicts) = outcome.result {
            print(Self.refusalJSON(outcome.taskID, status: "timed-out", conflicts))
        }
        let (record, entries, _) = try Failure.admitted(outcome, refusedExit: refusedExit)
        if ownerPid == nil { Self.warnUnlessAShellOwns(owner) }
        if output.json {
            print(RegistryJSON.object([("status", RegistryJSON.string("admitted")),
                                       ("task_id", RegistryJSON.string(record.taskID)),
                                       ("key", RegistryJSON.string(record.key)), ("token", "\(record.token)"),
                                       ("expires_ms", "\(record.expiresMs)"),
                                       ("entries", RegistryJSON.entries(entries))]))
        } else {
            print("WIR_TASK_ID=\(Self.shellWord(record.taskID))\nWIR_KEY=\(record.key)\nWIR_TOKEN=\(record.token)")
        }
    }

    static func refusalJSON(_ taskID: String, status: String, _ conflicts: ConflictReport) -> String {
        RegistryJSON.object([("status", RegistryJSON.string(status)), ("task_id", RegistryJSON.string(taskID)),
                             ("conflicts", RegistryJSON.conflicts(Array(conflicts))),
                             ("conflicts_total", "\(conflicts.total)"),
                             ("conflicts_complete", conflicts.isComplete ? "true" : "false")])
    }

    /// The default owner is this command's parent: from a script, its shell.
    /// Anything else (`timeout 5 wir claim`, `env wir claim`, a program that
    /// runs it) owns the claim too, and may end long before the work does:
    /// say which process that is, and how to choose another.
    static func warnUnlessAShellOwns(_ parent: Int32) {
        let program = ProcessProgram.name(of: parent)
        guard !ProcessProgram.shells.contains(program) else { return }
        Failure.say("wir: warning: the claim is owned by this command's parent, pid \(parent) (\(program)), which is "
                    + "not a shell: it ends when that process does; choose its owner with --owner-pid "
                    + "(from a shell script: --owner-pid $$)")
    }

    /// `text` as one word for `eval`: as it is when it holds only safe
    /// characters, else single-quoted (task ids are chosen by callers).
    static func shellWord(_ text: String) -> String {
        let safe = text.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || "._-:/@+,".utf8.contains(byte)
        }
        return safe ? text : "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}
