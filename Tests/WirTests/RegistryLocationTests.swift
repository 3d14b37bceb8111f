import Testing
import WirEngine
@testable import WirPostgres
@testable import WirRegistry

/// What a registry location is taken for, and how one is shown: every spelling of a password
/// that libpq would read is masked, and text from a registry is made safe for a terminal.
@Suite struct RegistryLocationTests {
    @Test(arguments: [
        ("postgresql://me:S3cret@db/x", "postgresql://me:***@db/x"),
        ("postgresql://me:S3c?ret/x@db/x?sslmode=require", "postgresql://me:***@db/x?sslmode=require"),
        ("postgres://db/x?user=me&password=S3cret", "postgres://db/x?user=me&password=***"),
        ("postgres://db/x?%70assword=S3cret&%73slpassword=S3cret", "postgres://db/x?%70assword=***&%73slpassword=***"),
        ("postgres://db/x?PassWord=S3cret", "postgres://db/x?PassWord=***"),
        ("mysql://me:S3cret@db/x", "mysql://me:***@db/x"),
        ("host=db password=S3cret user=me", "host=db password=*** user=me"),
        ("host = db  password = 'S3 \\' cret' user=me", "host = db  password = *** user=me"),
        ("password='S3cret", "***"),
        ("postgresql://db/x?password=S3cret&application_name=a@b", "postgresql://db/x?password=***&application_name=a@b"),
        ("postgresql://h:5432/x?password=S3cret&application_name=a@b", "postgresql://h:***@b"),
        ("/srv/registry.db", "/srv/registry.db"),
    ])
    func aPasswordIsMaskedHoweverItIsSpelled(location: String, shown: String) {
        #expect(PostgresSecrets.redacted(location) == shown)
        #expect(!PostgresSecrets.redacted(location).contains("S3"))
    }

    @Test func libpqMessagesLoseThePasswordsTheyQuote() {
        let url = "postgresql://me:ab%zzS3cret@db/x?password=Q%2Fw"
        #expect(PostgresSecrets.scrubbed("invalid percent-encoded token: \"ab%zzS3cret\"", of: url)
                == "invalid percent-encoded token: \"***\"")
        #expect(PostgresSecrets.scrubbed("saw Q/w and Q%2Fw", of: url) == "saw *** and ***")
    }

    @Test(arguments: [
        ("postgressql://db/x", true), ("file:///tmp/r.db", true), ("host=db", true), ("dbname = app", true),
        ("POSTGRESQL://db/x", true), ("postgresql://db/x", false), ("/srv/a=b/registry.db", false),
        ("./host=db", false), ("reports/user=bob.db", false), ("a:b//c", false),
    ])
    func stringsThatAreNotRegistriesAreRefused(location: String, refused: Bool) {
        let outcome = Result { try RegistryLocation.checked(location) }
        #expect((try? outcome.get()) == (refused ? nil : location))
    }

    @Test func textFromARegistryIsSafeOnATerminal() {
        #expect(TerminalText.escaped("a\u{1b}[2Jb\nc\u{85}d\u{202e}e\\f é") == "a\\x1b[2Jb\\x0ac\\u{85}d\\u{202e}e\\f é")
        #expect(TerminalText.escaped("plain /path/*.py") == "plain /path/*.py")
    }
}
