import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import WirEngine
import WirRegistry

/// `--registry PATH`, on every command.
struct RegistryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The registry file, or a postgresql:// URL (default: $WIR_REGISTRY, else "
                                            + "~/.local/state/wir/registry.db).", valueName: "path"))
    var registry: String?

    /// Opens the registry; without `create` (the commands that only read), a
    /// registry that does not exist is not made: the command says so and exits 66.
    func open(create: Bool = true) throws -> Registry {
        try Failure.map { try Registry(path: registry, create: create) }
    }

    /// Opens the registry if there is one; nil where there is none (a check that
    /// finds nothing claimed there, such as `wir guard`, makes none).
    func openIfExists() throws -> Registry? {
        do {
            return try Registry(path: registry, create: false)
        } catch let error as WirError where error.code == .noRegistry {
            return nil
        } catch {
            return try Failure.map { throw error }
        }
    }

    /// Opens the registry once it exists, without creating it (`wir log --follow`
    /// started before anything was claimed waits for the first claim).
    func openOnceItExists() throws -> Registry {
        while true {
            do {
                return try Registry(path: registry, create: false)
            } catch let error as WirError where error.code == .noRegistry {
                usleep(250_000)
            } catch {
                return try Failure.map { throw error }
            }
        }
    }
}
