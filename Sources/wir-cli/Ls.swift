import ArgumentParser
import WirEngine
import WirRegistry

/// `wir ls`: what is in flight.
struct Ls: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls",
                                                    abstract: "List the claims in flight and the queued claims.")

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let reg = try registry.open(create: false)
        let (claims, waiters) = try Failure.map { try reg.inFlight() }
        InFlightView.show(claims: claims, waiters: waiters, json: output.json)
    }
}
