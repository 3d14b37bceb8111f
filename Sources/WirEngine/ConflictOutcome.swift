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
}
