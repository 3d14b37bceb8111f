/// The process that owns a claim, identified so that a reused pid or a reboot
/// is never mistaken for the original owner.
public struct Owner: Sendable, Equatable {
    public var host: String
    public var pid: Int32
    /// Start time of the process in clock ticks since boot (`/proc/<pid>/stat`, field 22).
    public var startTime: UInt64
    /// The kernel's boot id (`/proc/sys/kernel/random/boot_id`) when the claim was made.
    public var bootID: String

    public init(host: String, pid: Int32, startTime: UInt64, bootID: String) {
        self.host = host
        self.pid = pid
        self.startTime = startTime
        self.bootID = bootID
    }
}

/// What the engine can learn about an owner.
public enum OwnerStatus: Sendable, Equatable {
    /// The owner runs on this host and is the same process that made the claim.
    case alive
    /// Proven gone: no such pid, a different process under that pid, a zombie,
    /// or a claim from an earlier boot of this host.
    case dead
    /// On another host: judged by its lease only.
    case remote
}

/// Decides whether claim owners are alive. Implementations must be thread-safe.
public protocol OwnerLiveness: Sendable {
    func status(of owner: Owner) -> OwnerStatus
}

/// A source of wall-clock time in milliseconds since the Unix epoch. Leases are
/// compared across processes, so this is the real-time clock, not a monotonic one.
public protocol Clock: Sendable {
    func nowMs() -> Int64
}
