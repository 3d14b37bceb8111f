/// Where a test that runs on every store puts its registry: a file, and a
/// PostgreSQL schema when `WIR_TEST_POSTGRES` names a server.
enum RegistryKind: String, CaseIterable, Sendable {
    case file, postgres

    static var allCases: [RegistryKind] { PostgresTestServer.isConfigured ? [.file, .postgres] : [.file] }
}

/// A registry of `kind` for one test, in `dir` or a scratch schema, with the
/// CLI pointed at it (`CommandLineTest`).
struct KindRegistry: CommandLineTest {
    let dir: TempDir
    let kind: RegistryKind
    let schema: ScratchSchema

    init(_ kind: RegistryKind, in dir: TempDir) {
        self.kind = kind
        self.dir = dir
        schema = ScratchSchema(kind.rawValue)
    }

    var registry: String { kind == .file ? dir.file("registry.db") : schema.url }
}
