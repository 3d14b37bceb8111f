import WirEngine

/// The fencing-token counter both stores keep: every token is greater than
/// every token issued before, so the counter only ever moves up from a whole
/// number. A counter that is missing, is not a whole number, or has reached
/// the largest one (INT64_MAX) cannot give such a token: the registry is
/// damaged (`.corrupt`), and no claim is admitted rather than one with a
/// token reused or started again at 1.
public enum TokenCounter {
    /// The error for a counter that could not move: `holding` is its value as
    /// text (nil: the row is missing).
    public static func damaged(registry: String, holding: String?) -> WirError {
        guard let holding else {
            return WirError(.corrupt, "registry '\(registry)': the token counter is missing; no fencing token can "
                            + "be issued (the registry is damaged)")
        }
        if holding == String(Int64.max) {
            return WirError(.corrupt, "registry '\(registry)': the token counter is at its largest value "
                            + "(\(Int64.max)); no greater fencing token can be issued (the registry is damaged)")
        }
        return WirError(.corrupt, "registry '\(registry)': the token counter holds '\(TerminalText.escaped(holding))', "
                        + "not a whole number; no fencing token can be issued without reusing one (the registry is "
                        + "damaged)")
    }
}
