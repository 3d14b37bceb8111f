import WirEngine

/// A claim as a caller asks for it, before validation and canonicalisation.
public struct ClaimSpec: Sendable {
    /// nil: a unique id is generated.
    public var taskID: String?
    /// Paths or globs the task will write, as the caller spells them.
    public var writes: [String]
    /// Paths or globs the task will only read.
    public var reads: [String]
    /// Lease length; 0 means the registry's default (10 minutes unless set).
    public var ttlMs: Int64
    /// nil: `WIR_POLICY` from the environment, else the registry's default.
    public var policy: Policy?
    /// Queue policy only: -1 waits for ever, 0 tries once, else milliseconds.
    public var timeoutMs: Int64
    /// The key of a claim in flight under `taskID`, to extend it from another process.
    public var key: String?
    /// nil: the calling process owns the claim.
    public var ownerPID: Int32?
    /// A free-text description for listings (at most 256 bytes).
    public var label: String

    public init(taskID: String? = nil, writes: [String], reads: [String] = [], ttlMs: Int64 = 0,
                policy: Policy? = nil, timeoutMs: Int64 = -1, key: String? = nil, ownerPID: Int32? = nil,
                label: String = "") {
        self.taskID = taskID
        self.writes = writes
        self.reads = reads
        self.ttlMs = ttlMs
        self.policy = policy
        self.timeoutMs = timeoutMs
        self.key = key
        self.ownerPID = ownerPID
        self.label = label
    }
}

/// Limits on what callers pass in; each matches a constant in wir.h.
public enum Limits {
    public static let defaultTTLMs: Int64 = 600_000          // WIR_TTL_DEFAULT_MS
    public static let maxTTLMs: Int64 = 366 * 86_400_000     // WIR_TTL_MAX_MS
    public static let maxTaskIDBytes = 256                   // WIR_TASK_ID_MAX

    /// Checks a lease length: 0 means the default (nil); negative or over a year is refused.
    static func ttl(_ ms: Int64) throws -> Int64? {
        guard ms >= 0, ms <= maxTTLMs else {
            throw WirError(.invalidArgument, "TTL \(ms) ms is out of range (0 for the default, at most \(maxTTLMs))")
        }
        return ms == 0 ? nil : ms
    }

    /// Checks a task id or key: 1 to 256 bytes, no control characters.
    static func identifier(_ value: String, _ what: String) throws -> String {
        guard !value.isEmpty, value.utf8.count <= maxTaskIDBytes else {
            throw WirError(.invalidArgument, "\(what) must be 1 to \(maxTaskIDBytes) bytes long")
        }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw WirError(.invalidArgument, "\(what) contains a control character")
        }
        return value
    }

    /// A random hex string of `bytes` random bytes (each draw of the system
    /// generator is a syscall, so each yields 16 digits).
    static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(bytes * 2)
        while hex.count < bytes * 2 {
            var word = generator.next()
            for _ in 0..<min(16, bytes * 2 - hex.count) {
                hex.append(digits[Int(word & 0xf)])
                word >>= 4
            }
        }
        return String(decoding: hex, as: UTF8.self)
    }
}

/// The answer to a claim, with the task id (generated if the caller gave none)
/// and the canonical entries that were asked for. `result` is never `.queued`:
/// a queued claim is waited for until admitted, timed out or cancelled.
public struct ClaimOutcome: Sendable {
    public let taskID: String
    public let requested: [PathEntry]
    public let result: ClaimResult
}
