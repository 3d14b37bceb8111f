/// What happens to a claim that overlaps another task's.
public enum Policy: String, Sendable, CaseIterable {
    /// Fail at once with the conflict report.
    case refuse
    /// Wait, in fair order, until nothing overlapping is held.
    case queue
    /// Admit anyway, log the overlap, and tell the caller.
    case warn

    /// The policy called `name`; throws `.invalidArgument` naming the choices.
    public init(named name: String) throws {
        guard let policy = Policy(rawValue: name) else {
            throw WirError(.invalidArgument, "policy '\(name)' is not refuse, queue or warn")
        }
        self = policy
    }
}
