import Testing
import WirEngine
@testable import WirSQLite
@testable import WirPostgres

/// Every engine rule, checked against each store by one parameterised suite.
/// PostgreSQL is among them when `WIR_TEST_POSTGRES` names a server.
enum StoreKind: String, CaseIterable, Sendable {
    case memory, sqlite, postgres

    static var allCases: [StoreKind] {
        PostgresTestServer.isConfigured ? [.memory, .sqlite, .postgres] : [.memory, .sqlite]
    }
}
