#if canImport(Glibc)
import Glibc
#endif
import WirEngine
import WirHost
import WirPostgres
import WirSQLite
import WirStorage

/// A write-intent registry as Swift callers use it: one store (a SQLite file
/// for one machine, or a PostgreSQL schema for several hosts), the conflict
/// engine, and the queue's waiting. Every rule is the engine's, every
/// store-specific one its store's; this facade checks input, serialises
/// calls, and waits.
///
/// Thread-safe: calls are serialised by a lock, which a queued claim does not
/// hold while it sleeps. A registry opened before a `fork()` refuses calls in
/// the child (`.forked`); the child opens its own (`ForkSafety`).
public final class Registry: @unchecked Sendable {
    /// The canonical path of the registry file, or the PostgreSQL URL as given.
    public let path: String
    let store: any RegistryBackend
    let engine: Engine
    let channel: any QueueChannel
    private let lock = Lock()
    private let openerPID: Int32
    private let selfOwner: Owner
    let waitsLock = Lock()
    var waits: [String: QueueWait] = [:]

    /// The kinds of registry, asked in order: the first that recognises a
    /// location opens it (a file takes whatever is left).
    static var kinds: [any RegistryBackendKind.Type] { [PostgresStore.self, SQLiteStore.self] }

    /// Opens the registry at `path` (nil: `RegistryLocation.defaultPath()`).
    ///
    /// A `postgresql://` or `postgres://` URL opens a registry in a PostgreSQL
    /// schema (`?wir_schema=NAME`, default `wir`), created on first use; its
    /// leases go by the server's clock, and the database's roles decide who
    /// may use it. Anything else is a file: a new one is private to its user
    /// (file 0600, new directories 0700), or, with `sharedWithGroup` (or
    /// `WIR_REGISTRY_MODE=group`), shared with the group of its directory
    /// (file 0660, new directories 2770).
    ///
    /// `liveness` judges owners (nil: `LocalLiveness`, told whether the
    /// registry is shared across hosts). Every location is checked first
    /// (`RegistryLocation.checked`: no URL of another scheme, no libpq keyword
    /// string, no relative path from the environment). Without `create`, a
    /// registry that does not exist yet is not made (`.noRegistry`), for
    /// commands that only read.
    public init(path: String? = nil, sharedWithGroup: Bool? = nil, clock: any Clock = SystemClock(),
                liveness: (any OwnerLiveness)? = nil, create: Bool = true) throws {
        if let path, path.isEmpty { throw WirError(.invalidArgument, "the registry path is empty") }
        let location = try path.map { try RegistryLocation.checked($0) } ?? RegistryLocation.defaultPath()
        var opened: (any RegistryBackend)?
        for kind in Self.kinds where opened == nil {
            opened = try kind.open(location, sharedWithGroup: sharedWithGroup, create: create)
        }
        guard let store = opened else {
            throw WirError(.invalidArgument, "no kind of registry opens '\(location)'")
        }
        self.store = store
        self.path = store.registryPath
        channel = store.queueChannel()
        engine = Engine(clock: clock, liveness: liveness ?? LocalLiveness(sharedAcrossHosts: store.sharedAcrossHosts),
                        wakeups: channel)
        openerPID = getpid()
        guard let owner = ProcessIdentity.owner(pid: openerPID) else {
            throw WirError(.internalError, "cannot read /proc/\(openerPID)/stat for this process")
        }
        selfOwner = owner
        ForkSafety.register(self)
    }

    deinit { ForkSafety.unregister(self) }

    /// The calling process: the opener, or in a fork child the child itself.
    func caller() throws -> Owner {
        let pid = getpid()
        if pid == openerPID { return selfOwner }
        guard let owner = ProcessIdentity.owner(pid: pid) else {
            throw WirError(.internalError, "cannot read /proc/\(pid)/stat for this process")
        }
        return owner
    }

    /// Before a fork: waits for the call in progress, then closes what must not
    /// cross (`RegistryBackend.suspend`). Only `ForkSafety` calls it.
    func suspendForFork() {
        lock.lock()
        if getpid() == openerPID { store.suspend() }
    }

    /// After a fork, in parent and child alike.
    func resumeAfterFork() { lock.unlock() }

    /// Claims `spec`'s entries all or nothing, deciding an overlap by the
    /// policy: refused, admitted with warnings, or queued and waited for
    /// (until admitted, timed out, or cancelled with `cancel`, which throws
    /// `.cancelled`).
    ///
    /// `whileQueued` is called (on the calling thread, without the lock) each
    /// time a queued claim finds itself still blocked: with its ticket, what
    /// blocks it, and how long it has waited.
    public func claim(_ spec: ClaimSpec,
                      whileQueued: ((_ ticket: Int64, _ conflicts: [Conflict], _ waitedMs: Int64) -> Void)? = nil)
        throws -> ClaimOutcome {
        let request = try spec.request(defaultOwner: selfOwner, caller: try caller())
        let (decision, lease) = try waitForDecision(request, timeoutMs: spec.timeoutMs, whileQueued: whileQueued)
        return ClaimOutcome(taskID: request.taskID, requested: request.entries, result: decision, lease: lease)
    }

    /// The conflicts a claim of `spec` would meet now (holders, and waiters
    /// queued ahead), without claiming, queueing or logging anything. The
    /// spec's task (and the claims above and below it) never conflict with it;
    /// naming its task id needs no key. Its policy, TTL, timeout, key and
    /// label are not used. A spec with no entries meets no conflicts.
    public func probe(_ spec: ClaimSpec) throws -> ConflictReport {
        let request = try spec.request(defaultOwner: selfOwner, caller: try caller(), probing: true)
        return try locked { try engine.probe(request, in: store) }
    }

    /// Renews the lease of a claim; throws `.lost` if it has ended (also when
    /// the registry file it was made in is gone).
    public func heartbeat(taskID: String, key: String, ttlMs: Int64 = 0) throws -> ClaimRecord {
        let ttl = try Limits.ttl(ttlMs)
        return try held { try engine.heartbeat(taskID: taskID, key: key, ttlMs: ttl, in: store) }
    }

    /// Runs a call about a claim already held: a registry file that is gone
    /// took the claim with it, which its holder hears as `.lost`.
    func held<T>(until deadline: Deadline? = nil, _ body: () throws -> T) throws -> T {
        do {
            return try locked(until: deadline, body)
        } catch let error as WirError where error.code == .gone {
            throw WirError(.lost, error.message)
        }
    }

    /// Adds a live process (or, with `group`, a process group) on this host as
    /// an owner of the claim: the claim then ends by its owners' death only
    /// when that one is gone too. Returns the claim as now held.
    @discardableResult
    public func addOwner(taskID: String, key: String, pid: Int32, group: Bool = false) throws -> ClaimRecord {
        let owner = try Self.liveOwner(pid: pid, group: group)
        return try locked { try engine.addOwner(owner, taskID: taskID, key: key, in: store) }
    }

    /// Removes an owner (a process, or with `group` a process group, on this
    /// host); the last owner cannot be removed. Returns the claim as now held.
    @discardableResult
    public func removeOwner(taskID: String, key: String, pid: Int32, group: Bool = false) throws -> ClaimRecord {
        try locked {
            let (held, _) = try engine.attach(taskID: taskID, key: key, in: store)
            guard let owner = held.owners.first(where: {
                $0.pid == pid && $0.kind == (group ? .group : .process) && $0.host == ProcessIdentity.hostName
            }) else {
                throw WirError(.notFound, "\(group ? "group" : "pid") \(pid) on this host does not own task '\(taskID)'")
            }
            return try engine.removeOwner(owner, taskID: taskID, key: key, in: store)
        }
    }

    /// Hands the claim to the live process `pid`: it becomes an owner and this
    /// process stops being one, in one step. Returns the claim as now held.
    @discardableResult
    public func handOff(taskID: String, key: String, to pid: Int32) throws -> ClaimRecord {
        let owner = try Self.liveOwner(pid: pid, group: false)
        return try locked { try engine.handOff(to: owner, from: selfOwner, taskID: taskID, key: key, in: store) }
    }

    private static func liveOwner(pid: Int32, group: Bool) throws -> Owner {
        guard pid > 0, let owner = group ? ProcessIdentity.groupOwner(pid) : ProcessIdentity.owner(pid: pid) else {
            throw WirError(.invalidArgument, group ? "process group \(pid) has no process on this host"
                           : "pid \(pid) is not a live process on this host")
        }
        return owner
    }

    /// Releases a claim with an outcome; throws `.lost` if it had ended.
    public func release(taskID: String, key: String, outcome: ReleaseOutcome) throws {
        try held { try engine.release(taskID: taskID, key: key, outcome: outcome, in: store) }
    }

    /// Ends a claim without its key, if the store says the caller may (root
    /// or the file's owner; for PostgreSQL a superuser or a member of the role
    /// owning the schema). Recorded in the history as "forced", with who.
    public func forceRelease(taskID: String) throws {
        _ = try Limits.identifier(taskID, "the task id")
        try locked { _ = try engine.forceRelease(taskID: taskID, by: try store.administrator(), in: store) }
    }

    /// Releases some of a claim's entries early (as spelled when claimed, any
    /// access); returns the entries it still holds.
    public func shrink(taskID: String, key: String, paths: [String]) throws -> [PathEntry] {
        guard !paths.isEmpty else { throw WirError(.invalidArgument, "no paths to release were given") }
        let entries = try paths.map { try PathResolver.entry($0, .write) }
        return try locked { try engine.shrink(taskID: taskID, key: key, entries: entries, in: store) }
    }

    /// The claim in flight for `taskID`, given its key.
    public func attach(taskID: String, key: String) throws -> (ClaimRecord, entries: [PathEntry]) {
        _ = try Limits.identifier(taskID, "the task id")
        return try locked { try engine.attach(taskID: taskID, key: key, in: store) }
    }

    /// Reaps every lapsed or dead-owner claim and dead waiter now; returns the claims with their reasons.
    @discardableResult
    public func reap() throws -> [(ClaimRecord, EndReason)] {
        try locked { try engine.reapAll(in: store) }
    }

    /// The registry's health, for `wir doctor`: the file's or the schema's.
    public func diagnose() throws -> [Diagnostic] {
        try locked { try store.diagnose() }
    }

    /// Runs `body` under the handle's lock, refusing a handle inherited across fork().
    /// With a `deadline`, waits for the lock only until then (`.busy` after).
    func locked<T>(until deadline: Deadline? = nil, _ body: () throws -> T) throws -> T {
        guard getpid() == openerPID else {
            throw WirError(.forked, "this registry handle was opened in process \(openerPID), before a fork; "
                           + "open a new one in process \(getpid())")
        }
        guard let deadline else { return try lock.withLock(body) }
        guard let result = try lock.withLock(waitingAtMost: deadline.atMs - MonotonicClock.bootMs(), body) else {
            throw WirError(.busy, "another call on this registry handle did not end \(deadline.reason)")
        }
        return result
    }
}
