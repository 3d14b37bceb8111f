#if canImport(Glibc)
import Glibc
#endif
import WirEngine

/// Who a process (or a process group) is on this machine: enough to tell it
/// from a later one that reuses its id, or the same id after a reboot.
public enum ProcessIdentity {
    /// This host's identity in claims: `$WIR_HOST_ID` if set (processes that
    /// share a registry but not a process table, such as containers, or tests
    /// playing several hosts), else the host name; control characters become
    /// '?'. Owners with another identity are judged by their lease only.
    public static let hostName: String = {
        var name = Environment.value("WIR_HOST_ID")
        if name == nil {
            var buffer = [CChar](repeating: 0, count: 256)
            name = gethostname(&buffer, buffer.count - 1) == 0
                ? buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } : "localhost"
        }
        return String(String.UnicodeScalarView(name!.unicodeScalars.map {
            $0.properties.generalCategory == .control ? "?" : $0
        }))
    }()

    /// The id of the current boot of this machine's kernel.
    public static let bootID: String = {
        SystemFiles.read("/proc/sys/kernel/random/boot_id").map {
            String($0.filter { !$0.isWhitespace })
        } ?? "unknown-boot"
    }()

    /// This process's pid namespace: the inode of `/proc/self/ns/pid` ("" if unreadable).
    public static let pidNamespace: String = {
        var buffer = [CChar](repeating: 0, count: 64)
        let count = readlink("/proc/self/ns/pid", &buffer, buffer.count - 1)
        guard count > 0 else { return "" }
        let text = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return String(text.filter(\.isNumber))
    }()

    /// True when /proc shows the processes of this process's pid namespace
    /// (it was mounted for it): only then do its pids mean what ours mean.
    public static let procMatchesNamespace: Bool = {
        var buffer = [CChar](repeating: 0, count: 32)
        let count = readlink("/proc/self", &buffer, buffer.count - 1)
        return count > 0 && Int32(String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)) == getpid()
    }()

    /// What /proc says about a process: its parent, its process group, its
    /// start time (clock ticks after boot), and whether it has exited but not
    /// been waited for (a zombie). A process whose first thread has exited
    /// while others still run (or are still being torn down, holding its
    /// files and locks) is not a zombie yet: only once every thread is gone.
    public struct ProcStat: Equatable {
        public var parent: Int32
        public var group: Int32
        public var startTime: UInt64
        public var isZombie: Bool
    }

    /// Reads `/proc/<pid>/stat`; nil if there is no such process.
    public static func stat(of pid: Int32) -> ProcStat? {
        guard pid > 0 else { return nil }
        // A process's stat line is a few hundred bytes: one read into a buffer on the stack.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1024) { buffer -> ProcStat? in
            let fd = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            var count = 0
            repeat { count = read(fd, buffer.baseAddress, buffer.count) } while count < 0 && errno == EINTR
            close(fd)
            guard count > 0 else { return nil }
            return parseStat(UnsafeBufferPointer(rebasing: buffer[..<count]), pid: pid)
        }
    }

    /// "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses,
    /// so the fields are counted from the last ')'. Parsed as bytes: every field
    /// after it is ASCII, and walking Characters cost more than the read itself.
    static func parseStat(_ bytes: UnsafeBufferPointer<UInt8>, pid: Int32) -> ProcStat? {
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        // Field 3 (state) is the first after it; 4 is ppid, 5 pgrp, 22 starttime.
        var field = 2, index = close + 1
        var state: UInt8 = 0, parent: Int32?, group: Int32?, start: UInt64?
        while index < bytes.count && start == nil {
            while index < bytes.count && bytes[index] == UInt8(ascii: " ") { index += 1 }
            field += 1
            let begin = index
            while index < bytes.count && bytes[index] != UInt8(ascii: " ") && bytes[index] != UInt8(ascii: "\n") { index += 1 }
            let value = UnsafeBufferPointer(rebasing: bytes[begin..<index])
            switch field {
            case 3: state = value.first ?? 0
            case 4: parent = Int32(decimal: value)
            case 5: group = Int32(decimal: value)
            case 22: start = UInt64(decimal: value)
            default: break
            }
        }
        guard let start, let parent, let group else { return nil }
        let exited = (state == UInt8(ascii: "Z") || state == UInt8(ascii: "X")) && !hasOtherThreads(pid)
        return ProcStat(parent: parent, group: group, startTime: start, isZombie: exited)
    }

    /// True when `pid` has a thread besides its first one (`/proc/<pid>/task`).
    private static func hasOtherThreads(_ pid: Int32) -> Bool {
        guard let directory = opendir("/proc/\(pid)/task") else { return false }
        defer { closedir(directory) }
        var threads = 0
        while let entry = readdir(directory) {
            let first = withUnsafeBytes(of: entry.pointee.d_name) { $0.first ?? 0 }
            if first != UInt8(ascii: "."), threads >= 1 { return true }
            if first != UInt8(ascii: ".") { threads += 1 }
        }
        return false
    }

    /// The owner record for a live process on this host, or nil if it is gone.
    public static func owner(pid: Int32) -> Owner? {
        guard let stat = stat(of: pid), !stat.isZombie else { return nil }
        return Owner(host: hostName, pid: pid, startTime: stat.startTime, bootID: bootID, pidNamespace: pidNamespace)
    }

    /// The owner record for a process group on this host that has a process
    /// in it, or nil. Its start time is its leader's (0 once the leader is gone).
    public static func groupOwner(_ group: Int32) -> Owner? {
        guard group > 0, groupExists(group) else { return nil }
        let leader = stat(of: group).flatMap { $0.group == group ? $0.startTime : nil } ?? 0
        return Owner(host: hostName, pid: group, startTime: leader, bootID: bootID, kind: .group,
                     pidNamespace: pidNamespace)
    }

    /// True when some process is in group `group` (signal 0 finds it, whether
    /// or not this process may signal it).
    public static func groupExists(_ group: Int32) -> Bool {
        kill(-group, 0) == 0 || errno == EPERM
    }

    /// The processes of group `group` now (a scan of /proc).
    public static func members(ofGroup group: Int32) -> [Int32] {
        guard let directory = opendir("/proc") else { return [] }
        defer { closedir(directory) }
        var members: [Int32] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let pid = Int32(name), let found = stat(of: pid), found.group == group, !found.isZombie {
                members.append(pid)
            }
        }
        return members
    }

    /// What runs above `pid` on this host and would wait for it: each process
    /// up its chain of parents (not `pid` itself, nor init), and the process
    /// groups of `pid` and of each of them.
    public static func ancestors(of pid: Int32) -> [Owner] {
        var found: [Owner] = []
        var groups: Set<Int32> = []
        var next = stat(of: pid)
        if let own = next?.group { groups.insert(own) }
        while let current = next, current.parent > 1, found.count < 256 {
            // One read of each parent gives both its owner record and its own parent.
            guard let parent = stat(of: current.parent), !parent.isZombie else { break }
            found.append(Owner(host: hostName, pid: current.parent, startTime: parent.startTime, bootID: bootID,
                               pidNamespace: pidNamespace))
            groups.insert(parent.group)
            next = parent
        }
        return found + groups.compactMap(groupOwner)
    }
}

extension FixedWidthInteger {
    /// The value of ASCII decimal digits (an optional leading '-'); nil for anything else.
    init?<Digits: Collection>(decimal digits: Digits) where Digits.Element == UInt8 {
        var value: Self = 0
        var negative = false
        var any = false
        for (offset, byte) in digits.enumerated() {
            if offset == 0 && byte == UInt8(ascii: "-") && Self.isSigned { negative = true; continue }
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
            let (added, o2) = shifted.addingReportingOverflow(Self(byte - UInt8(ascii: "0")))
            guard !o1 && !o2 else { return nil }
            value = added
            any = true
        }
        guard any else { return nil }
        self = negative ? 0 - value : value
    }
}
