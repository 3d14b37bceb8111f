import FoundationEssentials
import WirRegistry

/// Claude Code's hook protocol. Input: one JSON object on stdin with
/// `session_id`, `cwd`, `hook_event_name`, and for tool events `tool_name`
/// and `tool_input`. `PreToolUse` of `Write`, `Edit` and `MultiEdit` edits
/// `tool_input.file_path`, of `NotebookEdit` `tool_input.notebook_path`;
/// `SessionEnd` ends the session; anything else passes.
///
/// Output: exit 0 always. Nothing on stdout lets the tool run. To stop it,
/// `{"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision":
/// "deny", "permissionDecisionReason": ...}}` (the reason is shown to the
/// model); to tell the user something without blocking, `{"systemMessage": ...}`.
/// (Exit 2 would block with stderr as the reason; other statuses are errors
/// the user sees only in verbose mode, so wir never uses them.)
enum ClaudeCodeHook: AgentHookProtocol {
    static let name = "claude-code"

    /// The tools that write a file, and the `tool_input` field naming it.
    static let editTools = ["Write": "file_path", "Edit": "file_path", "MultiEdit": "file_path",
                            "NotebookEdit": "notebook_path"]

    static func event(from input: [UInt8]) throws -> AgentHookEvent {
        guard case .object(let object)? = try? JSONDecoder().decode(HookJSON.self, from: Data(input)) else {
            throw HookInputError("the input is not a JSON object (Claude Code writes one on stdin)")
        }
        guard let session = object["session_id"]?.string, !session.isEmpty else {
            throw HookInputError("the input has no session_id")
        }
        guard let event = object["hook_event_name"]?.string else {
            throw HookInputError("the input has no hook_event_name")
        }
        let cwd = object["cwd"]?.string ?? ""
        switch event {
        case "PreToolUse":
            guard let tool = object["tool_name"]?.string, let field = editTools[tool] else { break }
            guard let path = object["tool_input"]?.object?[field]?.string, !path.isEmpty else {
                throw HookInputError("\(tool) has no tool_input.\(field)")
            }
            return AgentHookEvent(session: session, cwd: cwd, action: .edit([path]))
        case "SessionEnd":
            return AgentHookEvent(session: session, cwd: cwd, action: .sessionEnd)
        default:
            break
        }
        return AgentHookEvent(session: session, cwd: cwd, action: .other)
    }

    static func deny(_ event: AgentHookEvent, reason: String) -> HookAnswer {
        let decision = RegistryJSON.object([("hookEventName", RegistryJSON.string("PreToolUse")),
                                            ("permissionDecision", RegistryJSON.string("deny")),
                                            ("permissionDecisionReason", RegistryJSON.string(reason))])
        return HookAnswer(stdout: RegistryJSON.object([("hookSpecificOutput", decision)]) + "\n", status: 0)
    }

    static func notice(_ message: String) -> HookAnswer {
        HookAnswer(stdout: RegistryJSON.object([("systemMessage", RegistryJSON.string(message))]) + "\n", status: 0)
    }
}

/// Input a hook cannot read, with what is wrong with it.
struct HookInputError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
