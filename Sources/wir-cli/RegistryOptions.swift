import ArgumentParser
import WirRegistry

/// `--registry PATH`, on every command.
struct RegistryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The registry file, or a postgresql:// URL (default: $WIR_REGISTRY, else "
                                            + "~/.local/state/wir/registry.db).", valueName: "path"))
    var registry: String?

    func open() throws -> Registry {
        try Failure.map { try Registry(path: registry) }
    }
}
