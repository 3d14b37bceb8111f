import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import WirEngine
import WirRegistry

/// `wir hook AGENT`: a coding agent's edit hook. Before the agent writes a
/// file, the file is claimed for the agent's session; a file another task
/// holds stops the edit, naming the holder. The session's claim is owned by
/// the agent's process (`AgentProcess`) and carries a lease that every hook
/// call renews; it is released when the session ends.
struct Hook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook",
        abstract: "Claim the files a coding agent edits, for its session (an agent's hook).",
        discussion: """
            Reads the agent's hook input on stdin and answers in its protocol. Agents: claude-code. \
            Before an edit (Claude Code: PreToolUse of Write, Edit, MultiEdit, NotebookEdit) the file is \
            claimed under the session's task id (claude-code-SESSION), growing the session's claim; if \
            another task holds it, the edit is denied with the holder, its task and when its lease ends. \
            The claim is owned by the agent's process (the nearest ancestor of the hook that is not a shell) \
            and has a lease (--ttl) that each hook call renews, so a session that goes quiet ends by its \
            lease. At the session's end (SessionEnd) it is released. Other tools pass untouched. A wir \
            error never blocks the agent: the edit goes ahead and the user is told why it was not claimed. \
            The session's key is kept in $XDG_STATE_HOME/wir/hooks (else ~/.local/state/wir/hooks).
            """)

    /// The agents whose hook protocols wir speaks.
    static let agents: [any AgentHookProtocol.Type] = [ClaudeCodeHook.self]

    @OptionGroup var registry: RegistryOptions
    @Argument(help: ArgumentHelp("The agent: claude-code.", valueName: "agent")) var agent: String
    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("The session's lease, renewed by each hook call (default: 30m).", valueName: "duration"),
            transform: Duration.parse)
    var ttl: Duration = Duration(milliseconds: 1_800_000)
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("The agent's pid (default: the nearest ancestor that is not a shell).",
                                            valueName: "pid"))
    var ownerPid: Int32?

    func validate() throws {
        guard Self.agents.contains(where: { $0.name == agent }) else {
            throw ValidationError("unknown agent '\(agent)' (\(Self.agents.map { $0.name }.joined(separator: ", ")))")
        }
        guard ttl.milliseconds > 0 else { throw ValidationError("--ttl must be more than 0") }
    }

    func run() throws {
        let agentProtocol = Self.agents.first { $0.name == agent }!
        guard isatty(0) == 0 else {
            Failure.say("wir hook: reads the agent's hook input on stdin; run it from the agent's hook settings")
            throw ExitCode(Failure.usage)
        }
        var input: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(0, &buffer, buffer.count)
            if count > 0 { input += buffer[..<count] } else if count == 0 || errno != EINTR { break }
        }
        let answer = respond(to: input, agentProtocol)
        print(answer.stdout, terminator: "")
        if answer.status != 0 { throw ExitCode(answer.status) }
    }

    func respond(to input: [UInt8], _ agent: any AgentHookProtocol.Type) -> HookAnswer {
        let event: AgentHookEvent
        do {
            event = try agent.event(from: input)
        } catch {
            return say(agent, "wir hook \(agent.name): \((error as? HookInputError)?.message ?? "\(error)"); nothing was claimed")
        }
        let taskID = agent.name + "-" + event.session
        switch event.action {
        case .other:
            renew(taskID)
            return .pass
        case .sessionEnd:
            return end(taskID, agent)
        case .edit(let paths):
            return claim(paths, for: event, taskID: taskID, agent)
        }
    }

    /// Claims `paths` for the session, growing its claim; denies the edit if another task holds one.
    private func claim(_ paths: [String], for event: AgentHookEvent, taskID: String,
                       _ agent: any AgentHookProtocol.Type) -> HookAnswer {
        let absolute = paths.map { $0.hasPrefix("/") || event.cwd.isEmpty ? $0 : event.cwd + "/" + $0 }
        let unclaimed = "the edit of \(absolute.joined(separator: ", ")) goes ahead unclaimed"
        guard let owner = ownerPid ?? AgentProcess.nearest() else {
            return say(agent, "wir: cannot find the agent's process above this hook; \(unclaimed)")
        }
        do {
            let reg = try Registry(path: registry.registry)
            let known = HookKeys.key(taskID, registry: reg.path)
            let spec = ClaimSpec(taskID: taskID, writes: absolute, ttlMs: ttl.milliseconds, policy: .refuse,
                                 timeoutMs: 0, key: known, ownerPID: owner, label: label(agent, event))
            switch try reg.claim(spec).result {
            case .admitted(let record, _, _):
                if record.key != known {
                    do { try HookKeys.keep(record.key, taskID, registry: reg.path) } catch let error as HookInputError {
                        return say(agent, "wir: claimed \(absolute.joined(separator: ", ")) for this session, but "
                                   + "\(error.message): the claim ends with the agent or its lease, not at the session's end")
                    } catch {}
                }
                return .pass
            case .refused(let conflicts), .timedOut(let conflicts):
                return agent.deny(event, reason: Self.reason(conflicts))
            }
        } catch let error as WirError {
            return say(agent, "wir: \(error.message); \(unclaimed)")
        } catch {
            return say(agent, "wir: \(error); \(unclaimed)")
        }
    }

    /// Renews the session's lease, if it holds a claim. Quiet: other tools pass untouched.
    private func renew(_ taskID: String) {
        guard HookKeys.file(taskID).map({ access($0, F_OK) == 0 }) == true,
              let reg = try? Registry(path: registry.registry),
              let key = HookKeys.key(taskID, registry: reg.path) else { return }
        do {
            _ = try reg.heartbeat(taskID: taskID, key: key)
        } catch let error as WirError where error.code == .lost {
            HookKeys.forget(taskID)
        } catch {}
    }

    /// Releases the session's claim.
    private func end(_ taskID: String, _ agent: any AgentHookProtocol.Type) -> HookAnswer {
        guard HookKeys.file(taskID).map({ access($0, F_OK) == 0 }) == true else { return .pass }
        do {
            let reg = try Registry(path: registry.registry)
            if let key = HookKeys.key(taskID, registry: reg.path) {
                try reg.release(taskID: taskID, key: key, outcome: .completed)
            }
        } catch let error as WirError where error.code == .lost {
        } catch let error as WirError {
            return say(agent, "wir: could not release the session's claim '\(taskID)': \(error.message); it ends "
                       + "with the agent's process or its lease")
        } catch {}
        HookKeys.forget(taskID)
        return .pass
    }

    /// Tells the user (and stderr) without blocking the agent.
    private func say(_ agent: any AgentHookProtocol.Type, _ message: String) -> HookAnswer {
        Failure.say(message)
        return agent.notice(message)
    }

    private func label(_ agent: any AgentHookProtocol.Type, _ event: AgentHookEvent) -> String {
        let label = "\(agent.name) session in \(event.cwd)"
        return event.cwd.isEmpty || (try? Limits.identifier(label, "the label")) == nil ? "\(agent.name) session" : label
    }

    /// Why the edit was stopped, for the agent: who holds what, and until when.
    static func reason(_ conflicts: ConflictReport) -> String {
        var lines = ["wir: this file is claimed by another task, so the edit was stopped before it began."]
        for conflict in conflicts {
            let holder = conflict.holderIsWaiting ? "queued ahead by" : "held by"
            let until = conflict.holderIsWaiting ? ""
                : conflict.holderWhileAlive ? "; held while its owner runs"
                : "; its lease ends \(TimeText.relative(conflict.holderExpiresMs)) (\(TimeText.time(conflict.holderExpiresMs)) UTC)"
            lines.append("- \(conflict.requested.text) overlaps \(conflict.held.description), \(holder) task "
                         + "'\(conflict.holderTaskID)' (pid \(conflict.holderPID) on \(conflict.holderHost))\(until)")
        }
        lines.append("Work on other files meanwhile and try this one again later, or ask its holder to finish.")
        return lines.joined(separator: "\n")
    }
}
