import Foundation
import WirEngine
@testable import WirPostgres

/// A registry schema of its own for one test, dropped (with everything in it)
/// when the value goes away.
final class ScratchSchema {
    let name: String
    let url: String

    init(_ prefix: String = "t") {
        name = PostgresTestServer.uniqueSchema(prefix)
        url = PostgresTestServer.url(schema: name)
    }

    /// A store on this schema that judges leases by the test's clock.
    func store() throws -> PostgresStore {
        try PostgresStore(location: PostgresLocation(url), serverClock: false)
    }

    deinit {
        guard PostgresTestServer.isConfigured,
              let connection = try? PostgresConnection(location: PostgresLocation(url)) else { return }
        try? connection.execute("DROP SCHEMA IF EXISTS \"\(name)\" CASCADE")
    }

    /// A store on this schema, judging leases by the server's clock or not.
    func store(serverClock: Bool) throws -> PostgresStore {
        try PostgresStore(location: PostgresLocation(url), serverClock: serverClock)
    }
}
