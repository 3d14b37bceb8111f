import ArgumentParser
import WirHost
import WirRegistry

/// `wir who PATH`: who holds or waits on a path.
struct Who: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "who",
        abstract: "Show who holds a path (an entry that matches it or lies above it) and who waits for it.")

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: ArgumentHelp("The path.", valueName: "path")) var path: String

    func run() throws {
        try Failure.map { _ = try PathResolver.canonicalize(path) }      // a bad path is named before a missing registry
        let reg = try registry.open(create: false)
        let (claims, waiters) = try Failure.map { try reg.who(path) }
        InFlightView.show(claims: claims, waiters: waiters, json: output.json)
    }
}
