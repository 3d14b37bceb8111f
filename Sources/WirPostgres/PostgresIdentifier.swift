import WirEngine

/// A PostgreSQL identifier wir accepts for its schema: lower-case ASCII
/// letters, digits and underscores, not starting with a digit, at most 63
/// bytes. Validated on creation and always used quoted, so it can never
/// change the meaning of a statement. A plain value type: thread-safe.
public struct PostgresIdentifier: Sendable, Equatable, CustomStringConvertible {
    /// The name as given.
    public let name: String

    /// Validates `name`; throws `.invalidArgument` saying what is allowed.
    public init(_ name: String) throws {
        let bytes = Array(name.utf8)
        let valid = !bytes.isEmpty && bytes.count <= 63 && !(bytes[0] >= 48 && bytes[0] <= 57)
            && bytes.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
        guard valid, !name.hasPrefix("pg_") else {
            throw WirError(.invalidArgument, "wir_schema '\(name)' is not a valid schema name: use 1 to 63 lower-case "
                           + "letters, digits and underscores, not starting with a digit or 'pg_'")
        }
        self.name = name
    }

    /// The name in double quotes, as it appears in SQL.
    public var quoted: String { "\"" + name + "\"" }

    public var description: String { name }
}
