/// How a task says it ended when it releases its claim; the history records
/// it as the matching `EndReason`.
public enum ReleaseOutcome: String, Sendable, CaseIterable {
    case completed, failed, cancelled

    /// The outcome named `name`; throws `.invalidArgument` naming the choices.
    public init(named name: String) throws {
        guard let outcome = ReleaseOutcome(rawValue: name) else {
            throw WirError(.invalidArgument, "a release outcome must be completed, failed or cancelled, not '\(name)'")
        }
        self = outcome
    }
}
