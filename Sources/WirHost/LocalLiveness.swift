#if canImport(Glibc)
import Glibc
#endif
import WirEngine

/// Judges owners on this host by /proc and owners elsewhere as remote.
/// Thread-safe: a value.
public struct LocalLiveness: OwnerLiveness {
    /// This process as it was when the value was made: a claim it owns needs no
    /// look in /proc while the process is still the same one (not a fork child).
    private let me = ProcessIdentity.owner(pid: getpid())
    /// What an owner with this host's name but another boot id is. For a file
    /// registry, only this machine writes, so it is an earlier boot: dead. A
    /// registry shared by several hosts may also hear from another machine of
    /// the same name (a cloned VM, a CI runner): that one is judged by its lease.
    private let otherBoot: OwnerStatus

    /// `sharedAcrossHosts`: the registry is reached from other machines (PostgreSQL).
    public init(sharedAcrossHosts: Bool = false) {
        otherBoot = sharedAcrossHosts ? .remote : .dead
    }

    public func status(of owner: Owner) -> OwnerStatus {
        if owner == me && owner.pid == getpid() { return .alive }
        guard owner.host == ProcessIdentity.hostName else { return .remote }
        guard owner.bootID == ProcessIdentity.bootID else { return otherBoot }
        // A pid in another pid namespace (a container on this host), or a /proc that is
        // not this namespace's, says nothing here: judged by its lease, as a remote owner.
        guard owner.pidNamespace.isEmpty || owner.pidNamespace == ProcessIdentity.pidNamespace,
              ProcessIdentity.procMatchesNamespace else { return .remote }
        switch owner.kind {
        case .process:
            guard let stat = ProcessIdentity.stat(of: owner.pid), !stat.isZombie,
                  stat.startTime == owner.startTime else { return .dead }        // gone, or pid reused
            return .alive
        case .group:
            guard ProcessIdentity.groupExists(owner.pid) else { return .dead }
            // A group's id is its leader's pid, and it is not reused while the group has a
            // process. A leader that leads it now with another start time made a new group.
            if let leader = ProcessIdentity.stat(of: owner.pid), leader.group == owner.pid {
                if leader.startTime != owner.startTime { return .dead }
                if !leader.isZombie { return .alive }
            }
            // The leader is gone (or a zombie): alive while any other process of it runs.
            // Zombies answer signal 0 too, so /proc decides.
            return ProcessIdentity.members(ofGroup: owner.pid).isEmpty ? .dead : .alive
        }
    }
}
