import ArgumentParser
import WirEngine
import WirRegistry

/// `--ttl`: a duration (`30s`, `10m`, `1h`, plain seconds), or `alive`: held
/// as long as an owner lives, with no heartbeat. How short a lease may be is
/// the library's rule (`Limits`: at least 1 s), judged when it claims.
struct LeaseArgument: Equatable {
    /// The TTL in milliseconds, or `ClaimSpec.whileAlive`.
    let milliseconds: Int64

    /// For `@Option(transform:)`: the error's text names what is wrong.
    @Sendable static func parse(_ argument: String) throws -> LeaseArgument {
        if argument == "alive" { return LeaseArgument(milliseconds: ClaimSpec.whileAlive) }
        let ms = try DurationText.parse(argument, bareUnitMs: 1000)
        guard ms > 0 else {
            throw WirError(.invalidArgument, "a lease of 0 would not hold; give a duration (at least 1s) or alive")
        }
        return LeaseArgument(milliseconds: ms)
    }
}
