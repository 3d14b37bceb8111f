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
        if URLScheme.of(location) != nil {
            var bytes = Array(location.utf8)
            for range in secretRanges(inURL: location).reversed() { bytes.replaceSubrange(range, with: Array("***".utf8)) }
            return String(decoding: bytes, as: UTF8.self)
        }
        if PostgresKeywords.startsKeywordString(location) { return redactedKeywords(location) }
        return location
    }

    /// `message` (libpq's, which may quote a malformed value: `invalid
    /// percent-encoded token: "..."`) with every password of the URL
    /// `location`, as written and percent-decoded, replaced by `***`.
    public static func scrubbed(_ message: String, of location: String) -> String {
        let bytes = Array(location.utf8)
        let secrets = secretRanges(inURL: location).flatMap { range in
            [String(decoding: bytes[range], as: UTF8.self), PercentText.decoded(bytes[range])]
        }
        var text = message
        for secret in Set(secrets).sorted(by: { $0.utf8.count > $1.utf8.count }) where secret.utf8.count >= 2 {
            text = replacing(secret, in: text)
        }
        return text
    }

    /// Where a URL's passwords are, as byte ranges in order: the user
    /// information's after its first `:`, and the values of secret parameters.
    static func secretRanges(inURL url: String) -> [Range<Int>] {
        guard let scheme = URLScheme.of(url) else { return [] }
        let bytes = Array(url.utf8)
        let schemeLength = scheme.utf8.count + 3
        var ranges: [Range<Int>] = []
        var cursor = schemeLength
        while cursor < bytes.count, bytes[cursor] != UInt8(ascii: "@") { cursor += 1 }
        var queryFrom = schemeLength
        if cursor < bytes.count, let colon = bytes[schemeLength..<cursor].firstIndex(of: UInt8(ascii: ":")) {
            ranges.append((colon + 1)..<cursor)
            queryFrom = cursor + 1                 // what it masks held no parameter to read
        }
        guard let question = bytes[min(queryFrom, bytes.count)...].firstIndex(of: UInt8(ascii: "?")) else { return ranges }
        var start = question + 1
        while start <= bytes.count {
            let stop = bytes[start...].firstIndex(of: UInt8(ascii: "&")) ?? bytes.count
            if let equals = bytes[start..<stop].firstIndex(of: UInt8(ascii: "=")),
               secretNames.contains(PercentText.decoded(bytes[start..<equals]).lowercased()) {
                ranges.append((equals + 1)..<stop)
            }
            start = stop + 1
        }
        return ranges
    }

    private static func replacing(_ secret: String, in text: String) -> String {
        let needle = Array(secret.utf8), hay = Array(text.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < hay.count {
            if hay[index...].starts(with: needle) {
                out += Array("***".utf8)
                index += needle.count
            } else {
                out.append(hay[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
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
