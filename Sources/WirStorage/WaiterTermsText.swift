import WirEngine

/// A waiter's terms and timeout as one text column, tab-separated: the key,
/// the lease (0 the registry's default, -1 while an owner lives, else the TTL
/// in ms, as `ClaimSpec.ttlMs` spells it), the deadline (ms, 0 for none), the
/// parent's key, the label, then the allowed writes (`PathList`, last: they
/// are newline-separated). Keys and labels hold no control characters
/// (`Limits.identifier`), so a tab never appears inside a field. '' is a row
/// written before waiters kept terms: none, and no deadline. One column, so
/// that the migration adding it is one `ALTER TABLE`: SQLite parses its whole
/// schema again for each, and every process runs the migrations once, in
/// memory, to know which schema objects are wir's (`SQLiteSchema.ownObjects`).
/// Both stores keep waiters this way.
public enum WaiterTermsText {
    public static func encode(_ terms: WaiterTerms?, deadlineMs: Int64) -> String {
        guard let terms else { return "" }
        let lease: Int64
        switch terms.lease {
        case .registryDefault: lease = 0
        case .whileAlive: lease = -1
        case .ttl(let ms): lease = ms
        }
        return [terms.key, String(lease), String(deadlineMs), terms.parentKey, terms.label,
                PathList.encode(terms.allowWrites)].joined(separator: "\t")
    }

    /// The terms and deadline in `text`; (nil, 0) for '' or anything unreadable.
    public static func decode(_ text: String) -> (terms: WaiterTerms?, deadlineMs: Int64) {
        let fields = text.split(separator: "\t", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 6, !fields[0].isEmpty, let lease = Int64(fields[1]), let deadline = Int64(fields[2]) else {
            return (nil, 0)
        }
        let kept: Lease = lease == 0 ? .registryDefault : lease < 0 ? .whileAlive : .ttl(lease)
        return (WaiterTerms(key: fields[0], lease: kept, label: fields[4], allowWrites: PathList.decode(fields[5]),
                            parentKey: fields[3]), deadline)
    }
}
