/// What a coding agent's edit hook reports, in the agent's words translated:
/// the session, where it runs, and what it is about to do. Each agent's hook
/// protocol (`ClaudeCodeHook`, ...) reads its input into one of these and
/// writes its answers; `Hook` decides what wir does with it.
struct AgentHookEvent: Equatable {
    enum Action: Equatable {
        /// The agent is about to write these files (as the agent spelled them).
        case edit([String])
        /// The session ends: release what it holds.
        case sessionEnd
        /// Anything else (another tool, another event): pass, renewing the session's lease.
        case other
    }

    /// The agent's session id.
    var session: String
    /// The session's working directory, against which relative paths resolve.
    var cwd: String
    var action: Action
}

/// One agent's hook protocol: how its input reads and how its answers are written.
protocol AgentHookProtocol: Sendable {
    /// The name `wir hook NAME` takes, also the prefix of the session's task id.
    static var name: String { get }
    /// The event in `input` (the bytes the agent wrote on stdin); throws a
    /// message naming what is wrong with it.
    static func event(from input: [UInt8]) throws -> AgentHookEvent
    /// The answer that stops the edit, with `reason` shown to the agent.
    static func deny(_ event: AgentHookEvent, reason: String) -> HookAnswer
    /// The answer that lets the agent go on, with `message` shown to its user.
    static func notice(_ message: String) -> HookAnswer
}

/// What a hook writes on stdout and the status it exits with.
struct HookAnswer: Equatable {
    var stdout: String
    var status: Int32

    /// Nothing to say: the agent goes on.
    static let pass = HookAnswer(stdout: "", status: 0)
}
