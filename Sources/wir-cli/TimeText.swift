#if canImport(Glibc)
import Glibc
#endif
import WirHost

/// Times and spans as the listings show them.
enum TimeText {
    static func nowMs() -> Int64 { SystemClock().nowMs() }

    /// "in 9m12s", "3s ago".
    static func relative(_ ms: Int64) -> String {
        let delta = ms - nowMs()
        let text = span(abs(delta))
        return delta >= 0 ? "in " + text : text + " ago"
    }

    static func span(_ ms: Int64) -> String {
        let seconds = ms / 1000
        if seconds < 1 { return "\(ms)ms" }
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m\(seconds % 60)s" }
        return "\(seconds / 3600)h\(seconds / 60 % 60)m"
    }

    /// UTC wall time, "2026-11-29 13:05:09".
    static func time(_ ms: Int64) -> String {
        var seconds = time_t(ms / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }
}
