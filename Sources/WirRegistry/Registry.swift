#if canImport(Glibc)
import Glibc
#endif
import WirEngine
import WirSQLite

/// A write-intent registry as Swift callers use it: validation and path
/// canonicalisation, the conflict engine, and the SQLite store, for this
/// machine's processes.
///
/// Thread-safe: calls are serialised by a lock. A registry opened before a
/// `fork()` refuses calls in the child (`.forked`); the child opens its own.
public final class Registry: @unchecked Sendable {
    /// The canonical path of the registry file.
    public let path: String
    private let store: SQLiteStore
    private let engine: Engine
    private let lock = Lock()
    private let openerPID: Int32
    private let selfOwner: Owner

    /// Opens the registry file at `path` (nil: `RegistryLocation.defaultPath()`).
    public init(path: String? = nil, clock: any Clock = SystemClock(),
                liveness: any OwnerLiveness = LocalLiveness()) throws {
        if let path, path.isEmpty { throw WirError(.invalidArgument, "the registry path is empty") }
        self.path = try RegistryLocation.prepare(path ?? RegistryLocation.defaultPath())
        store = try SQLiteStore(path: self.path)
        engine = Engine(clock: clock, liveness: liveness)
        openerPID = getpid()
        guard let owner = ProcessIdentity.owner(pid: openerPID) else {
            throw WirError(.internalError, "cannot read /proc/\(openerPID)/stat for this process")
        }
        selfOwner = owner
    }

    /// Claims `spec.writes` all or nothing. Returns `.refused` with every
    /// overlapping pair when another task holds an overlapping path.
    public func claim(_ spec: ClaimSpec) throws -> ClaimOutcome {
        let request = try validate(spec)
        let result = try locked { try engine.claim(request, in: store) }
        return ClaimOutcome(taskID: request.taskID, requested: request.writes, result: result)
    }

    /// Renews the lease of a claim; throws `.lost` if it has ended.
    public func heartbeat(taskID: String, key: String, ttlMs: Int64 = 0) throws -> ClaimRecord {
        let ttl = try Limits.ttl(ttlMs, fallback: 0)
        return try locked {
            try engine.heartbeat(taskID: taskID, key: key, ttlMs: ttl == 0 ? nil : ttl, in: store)
        }
    }

    /// Releases a claim with an outcome (completed, failed or cancelled).
    public func release(taskID: String, key: String, outcome: EndReason) throws {
        guard [.completed, .failed, .cancelled].contains(outcome) else {
            throw WirError(.invalidArgument, "a release outcome must be completed, failed or cancelled")
        }
        try locked { try engine.release(taskID: taskID, key: key, outcome: outcome, in: store) }
    }

    /// The claim in flight for `taskID`, given its key.
    public func attach(taskID: String, key: String) throws -> (ClaimRecord, paths: [CanonicalPath]) {
        _ = try Limits.identifier(taskID, "the task id")
        return try locked { try engine.attach(taskID: taskID, key: key, in: store) }
    }

    /// True when the live claim holding `path` (or an ancestor) has `token`.
    public func tokenHolds(_ token: Int64, path: String) throws -> Bool {
        let canonical = try PathResolver.canonicalize(path)
        return try locked { try engine.tokenHolds(token, path: canonical, in: store) }
    }

    /// Reaps every lapsed or dead-owner claim now; returns them with their reasons.
    @discardableResult
    public func reap() throws -> [(ClaimRecord, EndReason)] {
        try locked { try engine.reapAll(in: store) }
    }

    private func locked<T>(_ body: () throws -> T) throws -> T {
        guard getpid() == openerPID else {
            throw WirError(.forked, "this registry handle was opened in process \(openerPID), before a fork; "
                           + "open a new one in process \(getpid())")
        }
        return try lock.withLock(body)
    }

    private func validate(_ spec: ClaimSpec) throws -> ClaimRequest {
        guard !spec.writes.isEmpty else { throw WirError(.invalidArgument, "a claim needs at least one path to write") }
        let taskID = try spec.taskID.map { try Limits.identifier($0, "the task id") }
            ?? "task-" + Limits.randomHex(bytes: 6)
        let key = try spec.key.map { try Limits.identifier($0, "the key") }
        let ttl = try Limits.ttl(spec.ttlMs, fallback: Limits.defaultTTLMs)
        let policy = spec.policy ?? .refuse
        guard policy == .refuse else {
            throw WirError(.unsupported, "the \(policy.rawValue) policy is not supported by this version of wir")
        }
        let owner: Owner
        if let pid = spec.ownerPID {
            guard let found = ProcessIdentity.owner(pid: pid) else {
                throw WirError(.invalidArgument, "owner pid \(pid) is not a live process on this host")
            }
            owner = found
        } else {
            owner = selfOwner
        }
        let writes = try spec.writes.map { try PathResolver.canonicalize($0) }
        return ClaimRequest(taskID: taskID, key: key, writes: writes, ttlMs: ttl, policy: policy,
                            owner: owner, newKey: Limits.randomHex(bytes: 16))
    }
}
