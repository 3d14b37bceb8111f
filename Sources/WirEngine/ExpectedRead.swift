/// A read the engine expects to make in a write transaction, named before the
/// transaction starts so that a store may fetch its answer ahead, together
/// with the transaction's first statements (PostgreSQL: in the same round
/// trip). A store that does must answer each read as it would have when it is
/// made: from the fetched answer only while the transaction's own writes left
/// it unchanged. A hint only: reads the engine makes without naming them, or
/// that are named and never made, are both fine. A value type: thread-safe.
public enum ExpectedRead: Hashable, Sendable {
    /// `claim(taskID:)`.
    case claim(taskID: String)
    /// `entries(taskID:)`.
    case entries(taskID: String)
    /// `children(of:)`.
    case children(of: String)
    /// `holdings(overlappingAny:)` with exactly these bases.
    case holdings([CanonicalPath])
    /// `expiredClaims(atOrBefore:limit:)`, at any time, with at most this limit.
    case expiredClaims(limit: Int)
    /// `waiters()`.
    case waiters
    /// `issueToken()`.
    case token
}
