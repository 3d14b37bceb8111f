/// One owner of a claim: a process, or a process group, identified so that a
/// reused pid or a reboot is never mistaken for the original owner.
public struct Owner: Sendable, Equatable, Hashable {
    public var host: String
    /// The process id, or for a group its process group id (its leader's pid).
    public var pid: Int32
    /// Start time of the process (for a group, of its leader) in clock ticks
    /// since boot (`/proc/<pid>/stat`, field 22).
    public var startTime: UInt64
    /// The kernel's boot id (`/proc/sys/kernel/random/boot_id`) when the claim was made.
    public var bootID: String
    public var kind: OwnerKind
    /// The pid namespace its pid means something in (`/proc/self/ns/pid`'s
    /// inode; "" when unknown): a process in another one cannot judge it.
    public var pidNamespace: String

    public init(host: String, pid: Int32, startTime: UInt64, bootID: String, kind: OwnerKind = .process,
                pidNamespace: String = "") {
        self.host = host
        self.pid = pid
        self.startTime = startTime
        self.bootID = bootID
        self.kind = kind
        self.pidNamespace = pidNamespace
    }

    /// "4242@box", or "group 4242@box".
    public var description: String { (kind == .group ? "group " : "") + "\(pid)@\(host)" }
}
