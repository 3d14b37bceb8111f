/// A source of wall-clock time in milliseconds since the Unix epoch. Leases are
/// compared across processes, so this is the real-time clock, not a monotonic one.
public protocol Clock: Sendable {
    func nowMs() -> Int64
}
