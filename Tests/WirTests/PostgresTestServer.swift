import Foundation
import WirEngine
@testable import WirPostgres

/// The PostgreSQL server the tests may use: `WIR_TEST_POSTGRES` holds its URL
/// (`make test` starts a throw-away one with scripts/pg-test-server.sh and sets
/// it). Without it the PostgreSQL cases are left out; with it, a server that
/// cannot be reached fails them.
enum PostgresTestServer {
    static let url: String? = {
        guard let value = ProcessInfo.processInfo.environment["WIR_TEST_POSTGRES"], !value.isEmpty else { return nil }
        return value
    }()

    static var isConfigured: Bool { url != nil }

    /// The server's URL naming `schema` as the registry's.
    static func url(schema: String) -> String {
        let base = url ?? "postgresql://unconfigured"
        return base + (base.contains("?") ? "&" : "?") + "wir_schema=" + schema
    }

    /// A schema name no other test uses.
    static func uniqueSchema(_ prefix: String = "t") -> String {
        "wir_test_\(prefix)_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
    }
}
