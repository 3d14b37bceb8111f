/// The limits on what callers pass in, and the one check of each. Each
/// matches a constant in wir.h; C, Python and the CLI only convert values and
/// leave the judging to these.
public enum Limits {
    public static let defaultTTLMs: Int64 = 600_000          // WIR_TTL_DEFAULT_MS
    public static let maxTTLMs: Int64 = 366 * 86_400_000     // WIR_TTL_MAX_MS
    /// The shortest lease: 1 s. A lease is renewed by its holder (`wir run`'s
    /// keeper and Python's heartbeat renew every third of it, and look at the
    /// claim every 250 ms), and one renewal is a registry transaction that may
    /// wait for the write lock. Shorter leases lapsed between renewals while
    /// their holder ran (with 10 ms, an intruder was admitted 3 times in 30).
    public static let minTTLMs: Int64 = 1000                 // WIR_TTL_MIN_MS
    public static let maxTaskIDBytes = 256                   // WIR_TASK_ID_MAX
    public static let maxPathBytes = 4096                    // WIR_PATH_MAX
    /// Entries (writes and reads) in one claim.
    public static let maxEntries = 10_000                    // WIR_ENTRIES_MAX
    /// Wildcards that match runs (`*`, `**`) in one glob: each is a loop in
    /// its automaton, and the product of two globs' automata grows with both.
    public static let maxGlobWildcards = 32                  // WIR_GLOB_WILDCARDS_MAX
    /// Overlapping pairs a refusal (or queueing, or warning) reports and logs.
    public static let maxReportedConflicts = 100             // WIR_CONFLICTS_MAX
    /// Steps one claim's overlap decision may take, and how long, holding the
    /// write lock (`OverlapBudget`): far below the 5 s other writers wait.
    public static let maxOverlapWork = 250_000
    public static let maxOverlapMs = 500

    /// Checks a lease length given in milliseconds: `minTTLMs` to `maxTTLMs`.
    /// `special` names the values with another meaning, for the message.
    public static func leaseLength(_ ms: Int64, special: String = "") throws -> Int64 {
        guard ms >= 0, ms <= maxTTLMs else {
            throw WirError(.invalidArgument, "TTL \(ms) ms is out of range (\(special)at least \(minTTLMs), at most "
                           + "\(maxTTLMs))")
        }
        guard ms >= minTTLMs else {
            throw WirError(.invalidArgument, "TTL \(ms) ms is too short to renew: a lease lasts at least \(minTTLMs) ms "
                           + "(1s), or it lapses between its holder's renewals")
        }
        return ms
    }

    /// Checks a claim's lease: 0 means the registry's default (nil); else
    /// `leaseLength`.
    public static func ttl(_ ms: Int64) throws -> Int64? {
        ms == 0 ? nil : try leaseLength(ms, special: "0 for the default, ")
    }

    /// A claim's lease from its TTL: 0 the registry's default, -1
    /// (WIR_TTL_WHILE_ALIVE) as long as an owner lives, else `leaseLength`.
    public static func lease(_ ms: Int64) throws -> Lease {
        switch ms {
        case -1: return .whileAlive
        case 0: return .registryDefault
        default: return .ttl(try leaseLength(ms, special: "0 for the default, -1 while the owners live, "))
        }
    }

    /// Checks a queued claim's timeout: -1 waits for ever, 0 tries once.
    public static func timeout(_ ms: Int64) throws -> Int64 {
        guard ms >= -1 else {
            throw WirError(.invalidArgument, "timeout \(ms) ms is out of range (-1 waits for ever)")
        }
        return ms
    }

    /// Checks a task id, key or label: 1 to 256 bytes, no control characters.
    public static func identifier(_ value: String, _ what: String) throws -> String {
        guard !value.isEmpty, value.utf8.count <= maxTaskIDBytes else {
            throw WirError(.invalidArgument, "\(what) must be 1 to \(maxTaskIDBytes) bytes long")
        }
        guard !containsControl(value) else {
            throw WirError(.invalidArgument, "\(what) contains a control character")
        }
        return value
    }

    /// The one rule for control characters in paths, task ids, keys and
    /// labels: C0 (U+0000 to U+001F), DEL (U+007F), C1 (U+0080 to U+009F) and
    /// the line and paragraph separators (U+2028, U+2029) are refused. Each
    /// could break a listing or a log line, or fake one.
    public static func containsControl(_ value: String) -> Bool {
        value.unicodeScalars.contains(where: isControl)
    }

    /// One character of `containsControl`'s rule.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    /// Checks a glob a caller gives: at most `maxGlobWildcards` wildcards that
    /// match runs. (Stored entries are read back without this check.)
    public static func glob(_ glob: Glob, _ text: String) throws {
        guard glob.runWildcards <= maxGlobWildcards else {
            throw WirError(.invalidArgument, "glob '\(text)' has \(glob.runWildcards) wildcards that match runs "
                           + "('*', '**'); at most \(maxGlobWildcards)")
        }
    }

    /// Checks that a claim names something, and not too much: 1 to
    /// `maxEntries` entries to write or read.
    public static func entries(writes: Int, reads: Int, mayBeEmpty: Bool = false) throws {
        guard writes > 0 || reads > 0 || mayBeEmpty else {
            throw WirError(.invalidArgument, "a claim needs at least one path to write or read")
        }
        guard writes + reads <= maxEntries else {
            throw WirError(.invalidArgument, "a claim names \(writes + reads) entries; at most \(maxEntries) (claim "
                           + "their directory, or a glob)")
        }
    }
}
