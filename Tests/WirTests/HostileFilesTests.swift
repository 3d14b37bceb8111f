import Foundation
import Testing
import WirEngine
@testable import WirHost
@testable import WirPostgres
@testable import WirRegistry
@testable import WirSQLite

/// What another user (or a careless one) can leave beside a shared registry:
/// special files and links where SQLite's files go, a link planted as the
/// registry path, schema objects wir did not make, a directory of the wrong
/// group. Each is refused at once with a message naming it, and changes
/// nothing it does not own. Tests that need another user's files run as root.
@Suite struct HostileFilesTests: CommandLineTest {
    let dir = TempDir()
    var registry: String { dir.file("pub/wir.db") }
    /// A user that is neither the caller nor root.
    static let stranger: uid_t = 65534

    init() throws {
        try FileManager.default.createDirectory(atPath: dir.file("pub"), withIntermediateDirectories: true)
    }

    /// Every companion file SQLite opens by name must be a regular file: a FIFO there would
    /// hang every command (or, writable by all, fake a deleted log), a link would redirect
    /// SQLite's writes into another file.
    @Test(arguments: ["-wal", "-shm", "-journal"])
    func aSpecialFileOrLinkBesideTheRegistryIsRefusedAtOnce(suffix: String) throws {
        _ = try Registry(path: registry)
        try? FileManager.default.removeItem(atPath: registry + suffix)
        for planted in ["fifo", "link"] {
            if planted == "fifo" {
                #expect(mkfifo(registry + suffix, 0o666) == 0)
            } else {
                let victim = dir.file("victim-\(suffix)")
                FileManager.default.createFile(atPath: victim, contents: Data("precious".utf8))
                #expect(symlink(victim, registry + suffix) == 0)
            }
            let result = try wir(["ls"], killAfter: 20)
            #expect(result.status != 0 && result.err.contains("wir.db\(suffix)") && result.err.contains("regular file"),
                    "\(planted): \(result.err)")
            unlink(registry + suffix)
        }
        #expect((try? String(contentsOfFile: dir.file("victim-\(suffix)"), encoding: .utf8)) == "precious")
    }

    /// A link planted as the registry path by another user is never followed: not to create a
    /// registry where it points (a dangling link to a victim's dotfile), nor to use a file there.
    @Test func aLinkAnotherUserPlantedAsTheRegistryIsNotFollowed() throws {
        guard getuid() == 0 else {
            print("HostileFilesTests: skipped a stranger's link: needs root to make one")
            return
        }
        let dangling = dir.file("home/.bash_profile")
        let emptyVictim = dir.file("home/notes")
        try FileManager.default.createDirectory(atPath: dir.file("home"), withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: emptyVictim, contents: Data())
        for target in [dangling, emptyVictim] {
            unlink(registry)
            #expect(symlink(target, registry) == 0)
            #expect(lchown(registry, Self.stranger, Self.stranger) == 0)
            for command in [["ls"], ["claim", "--writes", dir.file("f")]] {
                let result = try wir(command, killAfter: 20)
                #expect(result.status != 0 && result.err.contains("symlink") && result.err.contains("uid 65534"),
                        "\(command): \(result.err)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: dangling), "a registry was made through the link")
        #expect((try? Data(contentsOf: URL(fileURLWithPath: emptyVictim)))?.isEmpty == true, "the victim's file changed")
    }

    /// Even the caller's own link is not followed to create a registry that does not exist yet;
    /// one that points to an existing registry is used.
    @Test func aDanglingLinkIsNeverARegistry() throws {
        let target = dir.file("elsewhere/registry.db")
        #expect(symlink(target, registry) == 0)
        let refused = try wir(["claim", "--writes", dir.file("f")], killAfter: 20)
        #expect(refused.status != 0 && refused.err.contains("does not exist"), "\(refused.err)")
        #expect(!FileManager.default.fileExists(atPath: target))
        _ = try Registry(path: target)
        let used = try wir(["claim", "--writes", dir.file("f")], killAfter: 20)
        #expect(used.status == 0, "\(used.err)")
        #expect(try Registry(path: target).inFlight().claims.count == 1)
    }

    /// A trigger that silently drops claims (RAISE(IGNORE)) would switch conflict detection
    /// off for everyone: a registry with schema objects wir did not make is refused, by new
    /// processes and by those that had it open, and `wir doctor` names them and exits 74.
    @Test(arguments: RegistryKind.allCases)
    func schemaObjectsWirDidNotMakeAreRefused(kind: RegistryKind) throws {
        let target = KindRegistry(kind, in: dir)
        let open = try Registry(path: target.registry)
        _ = try open.claim(ClaimSpec(taskID: "before", writes: [dir.file("a")]))
        switch kind {
        case .file:
            let raw = try SQLiteConnection(path: target.registry, busyTimeoutMs: 1000)
            try raw.execute("""
                CREATE TRIGGER quiet BEFORE INSERT ON claim_entries BEGIN SELECT RAISE(IGNORE); END;
                """)
        case .postgres:
            let raw = try PostgresConnection(location: PostgresLocation(target.registry))
            try raw.execute("""
                SET search_path TO \(target.schema.name);
                CREATE FUNCTION quiet() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
                CREATE TRIGGER quiet BEFORE INSERT ON claim_entries FOR EACH ROW EXECUTE FUNCTION quiet();
                """)
        }
        let fresh = try target.wir(["claim", "--writes", dir.file("b")], killAfter: 30)
        #expect(fresh.status != 0 && fresh.err.contains("quiet"), "\(fresh.err)")
        if kind == .file {
            do {
                _ = try open.claim(ClaimSpec(taskID: "after", writes: [dir.file("c")]))
                Issue.record("a handle opened before the trigger went on claiming")
            } catch let error as WirError {
                #expect(error.code == .schema && error.message.contains("quiet"), "\(error)")
            }
        }
        let doctor = try target.wir(["doctor"], killAfter: 30)
        #expect(doctor.status == 74 && doctor.out.contains("quiet"), "\(doctor.status) \(doctor.out) \(doctor.err)")
    }

    /// Another user who makes the wake-up directory first (in a shared directory) neither stops
    /// a queued claim from waiting nor from being admitted: wir does not use that directory, and
    /// the waiter goes by its timer.
    @Test func aWakeUpDirectoryAnotherUserMadeStrandsNoWaiter() throws {
        guard getuid() == 0 else {
            print("HostileFilesTests: skipped a stranger's wake-up directory: needs root to make one")
            return
        }
        let reg = try Registry(path: registry)
        try FileManager.default.createDirectory(atPath: registry + ".wake", withIntermediateDirectories: false)
        #expect(chown(registry + ".wake", Self.stranger, Self.stranger) == 0)
        let sleeper = try Child("/bin/sleep", ["30"])
        defer { sleeper.stop() }
        let file = dir.file("state.json")
        guard let held = try reg.holder(of: file, ownedBy: sleeper) else { return }
        let waiter = try Child(BuiltProducts.probe, ["queue", registry, "waiter", "0", "30000", file])
        #expect(waiter.readLine().hasPrefix("queued"))
        try reg.release(taskID: "holder", key: held.key, outcome: .completed)
        #expect(waiter.readLine().hasPrefix("admitted"))
        #expect(waiter.finish().status == 0)
    }

    /// A group registry's new directories take the group of the directory they are made in
    /// (the team's), not the creator's primary group, which the team is not in.
    @Test func aGroupRegistrysNewDirectoriesTakeTheTeamsGroup() throws {
        guard getuid() == 0 else {
            print("HostileFilesTests: skipped the team's group: needs root to give a directory another group")
            return
        }
        let team: gid_t = 100
        #expect(chown(dir.file("pub"), uid_t.max, team) == 0 && chmod(dir.file("pub"), 0o770) == 0)
        let path = dir.file("pub/project/state/registry.db")
        _ = try Registry(path: path, sharedWithGroup: true)
        for made in ["pub/project", "pub/project/state", "pub/project/state/registry.db"] {
            var info = stat()
            #expect(stat(dir.file(made), &info) == 0 && info.st_gid == team, "\(made) has group \(info.st_gid)")
        }
    }
}
