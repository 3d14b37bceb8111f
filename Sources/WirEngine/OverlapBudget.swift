/// The work one claim's overlap decision may do while it holds the
/// registry's write lock: each pair of entries compared, each state of either
/// glob automaton, and each state of their product visited costs one step of
/// `Limits.maxOverlapWork`, and the whole may take at most
/// `Limits.maxOverlapMs` (a slow machine, or a build with sanitizers, reaches
/// that first). A decision that would need more is refused (`exhausted`)
/// instead of keeping every other claim, heartbeat and release waiting. Used
/// by one engine transaction.
final class OverlapBudget {
    private(set) var remaining: Int
    private let deadline: ContinuousClock.Instant
    private var sinceLook = 0

    init(_ steps: Int = Limits.maxOverlapWork, milliseconds: Int = Limits.maxOverlapMs) {
        remaining = steps
        deadline = ContinuousClock.now.advanced(by: .milliseconds(milliseconds))
    }

    /// Spends `steps`; false once the budget is gone. Looks at the clock
    /// every few thousand steps.
    func spend(_ steps: Int = 1) -> Bool {
        remaining -= steps
        sinceLook += steps
        if sinceLook >= 4096 {
            sinceLook = 0
            if ContinuousClock.now > deadline { remaining = -1 }
        }
        return remaining >= 0
    }

    /// The error for a decision that ran out of steps.
    static var exhausted: WirError {
        WirError(.invalidArgument, "deciding whether this claim overlaps the claims held needs more than the work "
                 + "limit of one decision (\(Limits.maxOverlapWork) steps or \(Limits.maxOverlapMs) ms): claim "
                 + "fewer globs, globs with fewer wildcards, or the directory they lie in")
    }
}
