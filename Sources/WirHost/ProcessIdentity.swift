#if canImport(Glibc)
import Glibc
#endif
import WirEngine

/// Who a process is on this machine: enough to tell it from a later process
/// that reuses its pid, or the same pid after a reboot.
public enum ProcessIdentity {
    /// This host's identity in claims: `$WIR_HOST_ID` if set (processes that
    /// share a registry but not a process table, such as containers, or tests
    /// playing several hosts), else the host name. Owners with another identity
    /// are judged by their lease only.
    public static let hostName: String = {
        if let id = Environment.value("WIR_HOST_ID") { return id }
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }()

    /// The id of the current boot of this machine's kernel.
    public static let bootID: String = {
        SystemFiles.read("/proc/sys/kernel/random/boot_id").map {
            String($0.filter { !$0.isWhitespace })
        } ?? "unknown-boot"
    }()

    /// What /proc says about a process: its start time (clock ticks after boot)
    /// and whether it has exited but not been waited for (a zombie).
    public struct ProcStat: Equatable {
        public var startTime: UInt64
        public var isZombie: Bool
    }

    /// Reads `/proc/<pid>/stat`; nil if there is no such process.
    public static func stat(of pid: Int32) -> ProcStat? {
        guard pid > 0, let text = SystemFiles.read("/proc/\(pid)/stat") else { return nil }
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses,
        // so the fields are counted from the last ')'.
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state); field 22 (starttime) is fields[19].
        guard fields.count > 19, let start = UInt64(fields[19]) else { return nil }
        let state = fields[0]
        return ProcStat(startTime: start, isZombie: state == "Z" || state == "X")
    }

    /// The owner record for a live process on this host, or nil if it is gone.
    public static func owner(pid: Int32) -> Owner? {
        guard let stat = stat(of: pid), !stat.isZombie else { return nil }
        return Owner(host: hostName, pid: pid, startTime: stat.startTime, bootID: bootID)
    }
}
