import WirEngine
import WirHost
import WirStorage

/// How long wir waits for a PostgreSQL server: connecting (with the session's
/// settings) and each round trip (a statement and its answer) must finish
/// within it, or the connection is closed and the call fails with `.io`
/// naming it. wir enforces it on its side of the socket: a server process
/// that stopped (SIGSTOP, a frozen VM) enforces none of its own timeouts, and
/// its kernel still acknowledges every packet, so neither `statement_timeout`
/// nor TCP keepalives would notice.
///
/// The default, 10 s, is twice the longest a writer waits on the server for
/// the registry's lock (`lock_timeout`, 5 s, which ends in `.busy`): a busy
/// registry is never mistaken for a stuck server. `WIR_PG_TIMEOUT` sets
/// another (a duration, 100ms to 1h; a bare number counts seconds), for a
/// slow link or a test; the lock wait is then kept to half of it.
/// Thread-safe.
public enum PostgresTimeout {
    public static let defaultMs: Int64 = 10_000
    static let allowedMs: ClosedRange<Int64> = 100...3_600_000

    /// `WIR_PG_TIMEOUT`, or the default; throws `.invalidArgument` naming a
    /// value that is not a duration in range.
    public static func fromEnvironment() throws -> Int64 {
        guard let text = Environment.value("WIR_PG_TIMEOUT") else { return defaultMs }
        guard let ms = DurationText.milliseconds(text, bareUnitMs: 1000), allowedMs.contains(ms) else {
            throw WirError(.invalidArgument, "WIR_PG_TIMEOUT='\(text)' is not a duration from 100ms to 1h "
                           + "(such as 10s or 500ms): how long wir waits for a PostgreSQL server")
        }
        return ms
    }

    /// The deadline of a wait starting now, `ms` long; `what` says where the
    /// limit comes from.
    static func deadline(_ ms: Int64, _ what: String = "WIR_PG_TIMEOUT") -> Deadline {
        Deadline(atMs: MonotonicClock.bootMs() + ms, reason: "within \(DurationText.describe(ms)) (\(what))")
    }
}
