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

    /// True when `location` is a libpq keyword/value connection string
    /// (`host=db dbname=app`), which is not a URL and not a file either.
    public static func isKeywordString(_ location: String) -> Bool {
        PostgresKeywords.startsKeywordString(location)
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
            guard PercentText.decoded(parts[0].utf8) == "wir_schema" else { kept.append(parameter); continue }
            guard parts.count == 2, let decoded = PercentText.strictlyDecoded(parts[1]) else {
                throw WirError(.invalidArgument, "wir_schema in '\(Self.redacted(url))' has no valid value")
            }
            schemaName = decoded
        }
        let base = url[..<question]
        connectionURL = kept.isEmpty ? String(base) : base + "?" + kept.joined(separator: "&")
        schema = try PostgresIdentifier(schemaName)
    }

    /// The URL with any password replaced by `***`, for messages and listings
    /// (`PostgresSecrets`: in the user information, and in the `password` and
    /// `sslpassword` parameters however spelled).
    public var redacted: String { Self.redacted(url) }

    static func redacted(_ url: String) -> String { PostgresSecrets.redacted(url) }
}
