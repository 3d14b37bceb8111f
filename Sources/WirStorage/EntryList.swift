import WirEngine

/// A claim's entries as one text column: sorted, newline-separated. Entries
/// hold no control characters (paths with them are refused), so this is
/// unambiguous. Both stores keep claims, waiters and history this way.
public enum EntryList {
    public static func encode(_ entries: [PathEntry]) -> String {
        entries.sorted().map(\.encoded).joined(separator: "\n")
    }

    /// Split on the newline byte: Character views are slow, and bytes are what was written.
    public static func decode(_ text: String) throws -> [PathEntry] {
        try text.utf8.split(separator: UInt8(ascii: "\n")).map {
            try PathEntry(encoded: String(decoding: $0, as: UTF8.self))
        }
    }
}
