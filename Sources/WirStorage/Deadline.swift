/// A moment by which a call to a store must have its answer, on the boot
/// clock (CLOCK_BOOTTIME, ms: it counts time the machine spent suspended, as a
/// lease on a server does), and what it stands for, for the message when it
/// passes: "within 10s (WIR_PG_TIMEOUT)". A plain value: thread-safe.
public struct Deadline: Sendable, Equatable {
    public let atMs: Int64
    /// Completes "no answer ...".
    public let reason: String

    public init(atMs: Int64, reason: String) {
        self.atMs = atMs
        self.reason = reason
    }

    /// This deadline, or `other` if that one comes first.
    public func earlier(than other: Deadline?) -> Deadline {
        guard let other, other.atMs < atMs else { return self }
        return other
    }
}
