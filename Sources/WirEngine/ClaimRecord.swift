/// A claim as the store keeps it while it is in flight.
public struct ClaimRecord: Sendable, Equatable {
    public var taskID: String
    /// The secret that lets another process extend, heartbeat or release the claim.
    public var key: String
    /// The fencing token of the claim's latest admission.
    public var token: Int64
    /// Every owner, the first one first. The claim ends by its owners' death
    /// only when all of them are gone.
    public var owners: [Owner]
    public var createdMs: Int64
    /// When the lease lapses, by the wall clock: the TTL's end, or for a claim
    /// held while its owners live, the host lease that other hosts judge it by.
    public var expiresMs: Int64
    /// The same moment by the boot clock of the machine that wrote it
    /// (`leaseBootID`); 0 when none was kept. See `LeaseClock`.
    public var expiresBootMs: Int64 = 0
    public var leaseBootID: String = ""
    /// The lease length; 0 for a claim held while its owners live.
    public var ttlMs: Int64
    /// A free-text description given by the caller ("nightly build"), shown in listings.
    public var label: String
    /// The claim this one was made under ("" for none): it ends when that one ends.
    public var parentTaskID: String
    /// Paths a confined run of the task may write without claiming them (its
    /// private temporary directory, `--allow-write`), sorted: listed so that
    /// others see what it may touch. Confinement is applied by the process
    /// that runs the task, not by the registry.
    public var allowWrites: [CanonicalPath]

    public init(taskID: String, key: String, token: Int64, owner: Owner, owners: [Owner]? = nil,
                createdMs: Int64, expiresMs: Int64, ttlMs: Int64, label: String = "", parentTaskID: String = "",
                allowWrites: [CanonicalPath] = []) {
        self.taskID = taskID
        self.key = key
        self.token = token
        self.owners = owners ?? [owner]
        self.createdMs = createdMs
        self.expiresMs = expiresMs
        self.ttlMs = ttlMs
        self.label = label
        self.parentTaskID = parentTaskID
        self.allowWrites = allowWrites
    }

    /// The first owner: the one that made the claim (or was named by `owner_pid`).
    public var owner: Owner {
        get { owners[0] }
        set { owners[0] = newValue }
    }

    /// True for a claim held while its owners live, without a TTL of its own.
    public var isWhileAlive: Bool { ttlMs == 0 }

    /// How long a renewal makes the lease last unless told otherwise: the TTL,
    /// or for a claim held while its owners live, the host lease that other
    /// hosts judge it by.
    public var renewalLeaseMs: Int64 { isWhileAlive ? Engine.hostLeaseMs : ttlMs }

}
