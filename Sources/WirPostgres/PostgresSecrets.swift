import WirEngine

/// What libpq would take as a password, wherever it is written, and how a
/// location is shown with it masked (`***`). Messages, listings and `wir
/// doctor` show locations only through `redacted`.
///
/// The rules are libpq's own, so that no spelling it accepts slips through:
/// - in a URL (`postgresql://`, `postgres://`, or any `scheme://` a caller
///   typed), the user information runs to the first `@` (libpq stops at a
///   `/` too, but a password typed with one must not show either: an `@` in
///   a later parameter only masks more than needed), and the password follows
///   its first `:`; a password may hold `?`, `#` or `:`. Parameters follow
///   the first `?` after it; their names are percent-decoded (`%70assword` is
///   `password`) and compared without case;
/// - in a keyword/value string (`host=db password='a b'`), a value runs to
///   the next space, or is quoted with `'` and escaped with `\`.
/// A plain value type's functions: thread-safe.
public enum PostgresSecrets {
    /// The parameters whose values are secrets.
    static let secretNames: Set<String> = ["password", "sslpassword"]

    /// `location` with every password masked: a URL's or a keyword string's;
    /// anything else unchanged.
    public static func redacted(_ location: String) -> String {
        if let scheme = URLScheme.of(location) { return redactedURL(location, schemeLength: scheme.utf8.count + 3) }
        if PostgresKeywords.startsKeywordString(location) { return redactedKeywords(location) }
        return location
    }

    private static func redactedURL(_ url: String, schemeLength: Int) -> String {
        var bytes = Array(url.utf8)
        var cursor = schemeLength
        while cursor < bytes.count, bytes[cursor] != UInt8(ascii: "@") { cursor += 1 }
        var queryFrom = schemeLength
        if cursor < bytes.count, let colon = bytes[schemeLength..<cursor].firstIndex(of: UInt8(ascii: ":")) {
            bytes.replaceSubrange((colon + 1)..<cursor, with: Array("***".utf8))
            queryFrom = colon + 5                  // past "***@": what it masked held no parameter to read
        }
        guard let question = bytes[min(queryFrom, bytes.count)...].firstIndex(of: UInt8(ascii: "?")) else {
            return String(decoding: bytes, as: UTF8.self)
        }
        let parameters = bytes[(question + 1)...].split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: false)
            .map { parameter -> [UInt8] in
                guard let equals = parameter.firstIndex(of: UInt8(ascii: "=")) else { return Array(parameter) }
                let name = PercentText.decoded(parameter[parameter.startIndex..<equals]).lowercased()
                return secretNames.contains(name) ? Array(parameter[...equals]) + Array("***".utf8) : Array(parameter)
            }
        let joined = parameters.joined(separator: [UInt8(ascii: "&")])
        return String(decoding: bytes[...question] + joined, as: UTF8.self)
    }

    private static func redactedKeywords(_ text: String) -> String {
        var out = ""
        for piece in PostgresKeywords.pieces(of: text) {
            switch piece {
            case .text(let raw): out += raw
            case .pair(let name, let separator, let value):
                out += name + separator + (secretNames.contains(name.lowercased()) ? "***" : value)
            case .unparsed(let rest): out += rest.isEmpty ? "" : "***"
            }
        }
        return out
    }
}
