/// How long a claim holds without its owners' word.
public enum Lease: Sendable, Equatable {
    /// The registry's default TTL (`ttl_ms` setting).
    case registryDefault
    /// A lease of this many milliseconds, renewed by heartbeats; it ends the
    /// claim when it lapses, even while an owner lives (a hang detector).
    case ttl(Int64)
    /// As long as an owner lives. Owners on this host are judged by /proc, so
    /// no heartbeat is needed; other hosts judge by a host lease
    /// (`Engine.hostLeaseMs`) that heartbeats and the owner's host renew.
    case whileAlive
}
