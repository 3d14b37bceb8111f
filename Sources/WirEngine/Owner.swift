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
