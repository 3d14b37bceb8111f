#if canImport(Glibc)
import Glibc
#endif
import WirEngine
import WirPostgres
import WirSQLite

/// A write-intent registry as Swift callers use it: validation and path
/// canonicalisation, the conflict engine, the store (a SQLite file for one
/// machine, or a PostgreSQL schema for several hosts), and the queue's waiting.
///
/// Thread-safe: calls are serialised by a lock, which a queued claim does not
/// hold while it sleeps. A registry opened before a `fork()` refuses calls in
/// the child (`.forked`); the child opens its own.
public final class Registry: @unchecked Sendable {
    /// The canonical path of the registry file, or the PostgreSQL URL as given.
    public let path: String
    private let backend: Backend
    private let engine: Engine
    private let signal: any QueueChannel
    private let lock = Lock()
    private let openerPID: Int32
    private let selfOwner: Owner
    private let waitsLock = Lock()
    private var waits: [String: QueueWait] = [:]
    /// A queued claim looks again at least this often, whatever it was told.
    static let fallbackRecheckMs: Int64 = 2000

    /// Registries open in this process, and which process opened them. After a
    /// fork() the child inherits this memory, and with it SQLite's in-process
    /// lock bookkeeping without the kernel locks behind it: a connection opened
    /// there can believe it holds locks it does not (this let two overlapping
    /// claims through in a torture run). So a forked child of a process with a
    /// registry open is refused.
    nonisolated(unsafe) private static var openHandles = 0
    nonisolated(unsafe) private static var handlesPID: Int32 = 0
    private static let handlesLock = Lock()

    private static func checkNotForkedWithOpenRegistries() throws {
        let forked = handlesLock.withLock { openHandles > 0 && handlesPID != getpid() }
        if forked {
            throw WirError(.forked, "this process was forked from one that has a wir registry open, so SQLite "
                           + "and PostgreSQL connections cannot be used safely here; exec() a new program after fork "
                           + "(Python: use the 'spawn' or 'forkserver' start method), or close registries before forking")
        }
    }

    /// The store behind a registry, kept by kind for what only one kind has.
    private enum Backend {
        case sqlite(SQLiteStore)
        case postgres(PostgresStore)

        var store: any RegistryStore {
            switch self {
            case .sqlite(let sqlite): return sqlite
            case .postgres(let postgres): return postgres
            }
        }
    }

    private var store: any RegistryStore { backend.store }

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
    /// registry is shared across hosts).
    public init(path: String? = nil, sharedWithGroup: Bool? = nil, clock: any Clock = SystemClock(),
                liveness: (any OwnerLiveness)? = nil) throws {
        if let path, path.isEmpty { throw WirError(.invalidArgument, "the registry path is empty") }
        try Registry.checkNotForkedWithOpenRegistries()
        let location = try path ?? RegistryLocation.defaultPath()
        if PostgresLocation.matches(location) {
            let postgres = try PostgresStore(location: PostgresLocation(location), serverClock: true)
            self.path = location
            backend = .postgres(postgres)
            signal = PostgresQueueSignal(store: postgres)
        } else {
            let shared = try sharedWithGroup ?? RegistryLocation.groupModeFromEnvironment()
            self.path = try RegistryLocation.prepare(location, sharedWithGroup: shared)
            let sqlite = try SQLiteStore(path: self.path)
            backend = .sqlite(sqlite)
            signal = QueueSignal(registryPath: self.path)
        }
        let acrossHosts = PostgresLocation.matches(location)
        engine = Engine(clock: clock, liveness: liveness ?? LocalLiveness(sharedAcrossHosts: acrossHosts),
                        wakeups: signal)
        openerPID = getpid()
        guard let owner = ProcessIdentity.owner(pid: openerPID) else {
            throw WirError(.internalError, "cannot read /proc/\(openerPID)/stat for this process")
        }
        selfOwner = owner
        Registry.handlesLock.withLock {
            Registry.openHandles += 1
            Registry.handlesPID = openerPID
        }
    }

    deinit {
        guard getpid() == openerPID else { return }
        Registry.handlesLock.withLock { Registry.openHandles -= 1 }
    }

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
        let request = try validate(spec)
        func outcome(_ result: ClaimResult) -> ClaimOutcome {
            ClaimOutcome(taskID: request.taskID, requested: request.entries, result: result)
        }
        // One engine transaction; an I/O error names the task id, which may have been
        // generated here: after a lost commit, claiming again under it is the safe retry.
        func decide(ticket: Int64?, mayWait: Bool) throws -> ClaimResult {
            do {
                return try locked { try engine.claim(request, ticket: ticket, mayWait: mayWait, in: store) }
            } catch let error as WirError where error.code == .io {
                throw WirError(.io, error.message + " (claim for task '\(request.taskID)')")
            }
        }
        let first = try decide(ticket: nil, mayWait: spec.timeoutMs != 0)
        guard case .queued(var ticket, let firstConflicts, _) = first else { return outcome(first) }
        let started = monotonicMs()
        // Registered before anyone is told it waits, so a cancel is never missed.
        let wait: QueueWait
        do {
            wait = try QueueWait(channel: signal)
        } catch {
            _ = try? locked { try engine.abandon(ticket: ticket, outcome: "abandoned", in: store) }
            throw error
        }
        waitsLock.withLock { waits[request.taskID] = wait }
        defer { waitsLock.withLock { if waits[request.taskID] === wait { waits[request.taskID] = nil } } }
        whileQueued?(ticket, firstConflicts, 0)
        let deadline = spec.timeoutMs < 0 ? Int64.max : monotonicMs() + spec.timeoutMs
        do {
            while true {
                try wait.listen(ticket: ticket)
                if wait.isCancelled {
                    try locked { try engine.abandon(ticket: ticket, outcome: "cancelled", in: store) }
                    throw WirError(.cancelled, "the queued claim for task '\(request.taskID)' was cancelled")
                }
                // Looking again right after listening closes the gap in which a
                // release could have signalled a socket that did not exist yet.
                let timeUp = monotonicMs() >= deadline
                let result = try decide(ticket: ticket, mayWait: !timeUp)
                guard case .queued(let next, let conflicts, let blockers) = result else { return outcome(result) }
                ticket = next
                whileQueued?(ticket, conflicts, monotonicMs() - started)
                let now = try registryNowMs()
                let lapse = blockers.map { $0.lapsesMs - now }.min() ?? Self.fallbackRecheckMs
                let sleep = min(deadline - monotonicMs(), max(1, lapse), Self.fallbackRecheckMs)
                wait.sleep(timeoutMs: sleep, blockers: blockers.map(\.owner))
            }
        } catch {
            // Leave the queue whatever went wrong (a no-op if already left).
            _ = try? locked { try engine.abandon(ticket: ticket, outcome: "abandoned", in: store) }
            throw error
        }
    }

    /// Cancels the queued claims of this registry handle that are waiting for
    /// task `taskID` (nil: all of them). Returns how many were waiting.
    @discardableResult
    public func cancel(taskID: String? = nil) -> Int {
        let chosen = waitsLock.withLock { waits.filter { taskID == nil || $0.key == taskID }.map(\.value) }
        chosen.forEach { $0.cancel() }
        return chosen.count
    }

    /// Renews the lease of a claim; throws `.lost` if it has ended.
    public func heartbeat(taskID: String, key: String, ttlMs: Int64 = 0) throws -> ClaimRecord {
        let ttl = try Limits.ttl(ttlMs)
        return try locked { try engine.heartbeat(taskID: taskID, key: key, ttlMs: ttl, in: store) }
    }

    /// Releases a claim with an outcome (completed, failed or cancelled).
    public func release(taskID: String, key: String, outcome: EndReason) throws {
        guard [.completed, .failed, .cancelled].contains(outcome) else {
            throw WirError(.invalidArgument, "a release outcome must be completed, failed or cancelled")
        }
        try locked { try engine.release(taskID: taskID, key: key, outcome: outcome, in: store) }
    }

    /// Ends a claim without its key. Allowed to an administrator: root, or the
    /// owner of the registry file; for PostgreSQL, a superuser or a member of
    /// the role owning the registry's schema. Recorded in the history as
    /// "forced", with who.
    public func forceRelease(taskID: String) throws {
        if case .postgres(let postgres) = backend {
            let who = try locked { () throws -> String in
                let (role, allowed) = try postgres.administrator()
                guard allowed else {
                    throw WirError(.wrongKey, "a forced release needs a superuser or a member of the role owning schema "
                                   + "'\(postgres.location.schema)'; you are role '\(role)'")
                }
                return "role \(role), uid \(getuid()), pid \(getpid()) on \(ProcessIdentity.hostName)"
            }
            _ = try locked { try engine.forceRelease(taskID: taskID, by: who, in: store) }
            return
        }
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw WirError(.io, "cannot stat registry '\(path)': \(SystemFiles.describe(errno))")
        }
        let uid = getuid()
        guard uid == 0 || uid == info.st_uid else {
            throw WirError(.wrongKey, "a forced release needs root or the registry's owner (uid \(info.st_uid)); "
                           + "you are uid \(uid)")
        }
        let name = getpwuid(uid).flatMap { $0.pointee.pw_name.map { String(cString: $0) } } ?? "?"
        let who = "uid \(uid) (\(name)), pid \(getpid()) on \(ProcessIdentity.hostName)"
        _ = try locked { try engine.forceRelease(taskID: taskID, by: who, in: store) }
    }

    /// Releases some of a claim's entries early (as spelled when claimed, any
    /// access); returns the entries it still holds.
    public func shrink(taskID: String, key: String, paths: [String]) throws -> [PathEntry] {
        let texts = Set(try paths.map { try PathResolver.entry($0, .write).text })
        return try locked {
            let (_, held) = try engine.attach(taskID: taskID, key: key, in: store)
            let chosen = held.filter { texts.contains($0.text) }
            guard Set(chosen.map(\.text)) == texts else {
                throw WirError(.notFound, "task '\(taskID)' does not hold all of: \(paths.joined(separator: ", "))")
            }
            return try engine.shrink(taskID: taskID, key: key, entries: chosen, in: store)
        }
    }

    /// The claim in flight for `taskID`, given its key.
    public func attach(taskID: String, key: String) throws -> (ClaimRecord, entries: [PathEntry]) {
        _ = try Limits.identifier(taskID, "the task id")
        return try locked { try engine.attach(taskID: taskID, key: key, in: store) }
    }

    /// True when the live claim holding `path` (or an ancestor) has `token`.
    public func tokenHolds(_ token: Int64, path: String) throws -> Bool {
        let canonical = try PathResolver.canonicalize(path)
        return try locked { try engine.tokenHolds(token, path: canonical, in: store) }
    }

    /// Reaps every lapsed or dead-owner claim and dead waiter now; returns the claims with their reasons.
    @discardableResult
    public func reap() throws -> [(ClaimRecord, EndReason)] {
        try locked { try engine.reapAll(in: store) }
    }

    /// The registry's stored defaults (policy, TTL, grace).
    public func settings() throws -> RegistrySettings {
        try locked { try store.read { try $0.settings() } }
    }

    /// Stores new defaults for every process using this registry.
    public func save(_ settings: RegistrySettings) throws {
        guard settings.ttlMs > 0, settings.ttlMs <= Limits.maxTTLMs else {
            throw WirError(.invalidArgument, "TTL \(settings.ttlMs) ms is out of range (1 to \(Limits.maxTTLMs))")
        }
        guard settings.graceMs >= 0, settings.graceMs <= Limits.maxTTLMs else {
            throw WirError(.invalidArgument, "grace \(settings.graceMs) ms is out of range (0 to \(Limits.maxTTLMs))")
        }
        try locked { try store.write { try $0.save(settings) } }
    }

    /// Runs a read-only query against a snapshot, under the handle's lock.
    func reading<T>(_ body: (any StoreTransaction, Engine) throws -> T) throws -> T {
        try locked { try store.read { try body($0, engine) } }
    }

    /// The registry's health, for `wir doctor`: the file's or the schema's.
    public func diagnose() throws -> [Diagnostic] {
        try locked {
            switch backend {
            case .sqlite(let sqlite): return try sqlite.diagnose()
            case .postgres(let postgres): return try postgres.diagnose()
            }
        }
    }

    /// The time leases go by: the server's for PostgreSQL (every host judges
    /// by it, so a skewed local clock cannot make a waiter spin), else the clock's.
    private func registryNowMs() throws -> Int64 {
        guard case .postgres = backend else { return engine.clock.nowMs() }
        return try locked { try store.read { try engine.now(in: $0) } }
    }

    /// Runs a store write that needs no engine rule (pruning), under the lock.
    func writingStore<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try locked { try store.write(body) }
    }

    private func locked<T>(_ body: () throws -> T) throws -> T {
        guard getpid() == openerPID else {
            throw WirError(.forked, "this registry handle was opened in process \(openerPID), before a fork; "
                           + "open a new one in process \(getpid())")
        }
        return try lock.withLock(body)
    }

    private func validate(_ spec: ClaimSpec) throws -> ClaimRequest {
        guard !spec.writes.isEmpty || !spec.reads.isEmpty else {
            throw WirError(.invalidArgument, "a claim needs at least one path to write or read")
        }
        let taskID = try spec.taskID.map { try Limits.identifier($0, "the task id") }
            ?? "task-" + Limits.randomHex(bytes: 6)
        let key = try spec.key.map { try Limits.identifier($0, "the key") }
        let ttl = try Limits.ttl(spec.ttlMs)
        guard spec.timeoutMs >= -1 else {
            throw WirError(.invalidArgument, "timeout \(spec.timeoutMs) ms is out of range (-1 waits for ever)")
        }
        var policy = spec.policy
        if policy == nil, let name = RegistryLocation.environment("WIR_POLICY") {
            guard let named = Policy(rawValue: name) else {
                throw WirError(.invalidArgument, "WIR_POLICY='\(name)' is not refuse, queue or warn")
            }
            policy = named
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
        let entries = try spec.writes.map { try PathResolver.entry($0, .write) }
            + spec.reads.map { try PathResolver.entry($0, .read) }
        let label = spec.label.isEmpty ? "" : try Limits.identifier(spec.label, "the label")
        return ClaimRequest(taskID: taskID, key: key, entries: entries, ttlMs: ttl, policy: policy,
                            owner: owner, newKey: Limits.randomHex(bytes: 16), label: label)
    }
}

func monotonicMs() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
}
