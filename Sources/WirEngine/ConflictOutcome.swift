/// What became of a request that met a conflict, as its conflict-log rows say.
public enum ConflictOutcome: String, Sendable, CaseIterable {
    /// Refused at once (refuse policy).
    case refused
    /// Admitted despite the overlap (warn policy).
    case warned
    /// Still waiting in the queue.
    case queued
    /// Admitted after waiting in the queue.
    case admitted
    /// The queued request's timeout ran out.
    case timedOut = "timed-out"
    /// The queued request was cancelled (`wir_cancel`, a signal to `wir run`).
    case cancelled
    /// The waiter left without a word: it died, stopped renewing its place, or its wait failed.
    case abandoned

    /// The outcome called `name`; throws `.invalidArgument` listing the names.
    public init(named name: String) throws {
        guard let outcome = ConflictOutcome(rawValue: name) else {
            throw WirError(.invalidArgument, "unknown outcome '\(name)' ("
                           + Self.allCases.map(\.rawValue).joined(separator: ", ") + ")")
        }
        self = outcome
    }

    /// Requests turned away: refused, or out of time (at once or after waiting).
    public static let refusals: Set<ConflictOutcome> = [.refused, .timedOut]
    /// Queue waits, still going or ended other than by a timeout: admitted, cancelled, abandoned.
    public static let waits: Set<ConflictOutcome> = [.queued, .admitted, .cancelled, .abandoned]
}
