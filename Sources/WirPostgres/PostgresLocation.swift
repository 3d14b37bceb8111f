import WirEngine

/// Where a PostgreSQL registry lives: a libpq connection URL and the schema
/// that holds the registry's tables.
///
/// `postgresql://[user[:password]@]host[:port]/dbname[?param=value&...]`
/// (or `postgres://`). Every parameter is libpq's, except `wir_schema`, which
/// names the schema (default `wir`) and is removed before the URL reaches
/// libpq. Several registries can share one database under different schemas.
/// A plain value type: thread-safe.
public struct PostgresLocation: Sendable, Equatable {
    /// The URL as given, `wir_schema` included: enough to open the same registry again.
    public let url: String
    /// The URL libpq connects to (without `wir_schema`).
    public let connectionURL: String
    /// The registry's schema.
    public let schema: PostgresIdentifier

    /// The schema used when the URL names none.
    public static let defaultSchema = "wir"

    /// True when `location` is a PostgreSQL URL rather than a file path.
    public static func matches(_ location: String) -> Bool {
        location.hasPrefix("postgresql://") || location.hasPrefix("postgres://")
    }

    /// Parses a PostgreSQL URL; throws `.invalidArgument` naming what is wrong.
    public init(_ url: String) throws {
        guard Self.matches(url) else {
            throw WirError(.invalidArgument, "'\(Self.redacted(url))' is not a postgresql:// or postgres:// URL")
        }
        self.url = url
        var schemaName = Self.defaultSchema
        guard let question = url.firstIndex(of: "?") else {
            connectionURL = url
            schema = try PostgresIdentifier(schemaName)
            return
        }
        var kept: [Substring] = []
        for parameter in url[url.index(after: question)...].split(separator: "&", omittingEmptySubsequences: true) {
            let parts = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.first == "wir_schema" else { kept.append(parameter); continue }
            guard parts.count == 2, let decoded = Self.percentDecoded(parts[1]) else {
                throw WirError(.invalidArgument, "wir_schema in '\(Self.redacted(url))' has no valid value")
            }
            schemaName = decoded
        }
        let base = url[..<question]
        connectionURL = kept.isEmpty ? String(base) : base + "?" + kept.joined(separator: "&")
        schema = try PostgresIdentifier(schemaName)
    }

    /// The URL with any password replaced by `***`, for messages and listings:
    /// in `user:password@`, and in the `password` and `sslpassword` parameters.
    public var redacted: String { Self.redacted(url) }

    static func redacted(_ url: String) -> String {
        let schemeLength = url.hasPrefix("postgresql://") ? 13 : url.hasPrefix("postgres://") ? 11 : 0
        guard schemeLength > 0 else { return url }
        var text = url
        let rest = url.dropFirst(schemeLength)
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        if let at = rest[..<authorityEnd].lastIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":") {
            text = url[..<rest.index(after: colon)] + "***" + url[at...]
        }
        guard let question = text.firstIndex(of: "?") else { return text }
        let parameters = text[text.index(after: question)...].split(separator: "&", omittingEmptySubsequences: false)
            .map { parameter -> String in
                let key = parameter.prefix { $0 != "=" }
                return key == "password" || key == "sslpassword" ? key + "=***" : String(parameter)
            }
        return text[...question] + parameters.joined(separator: "&")
    }

    private static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
