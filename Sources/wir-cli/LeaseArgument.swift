import ArgumentParser
import WirEngine
import WirRegistry

/// `--ttl`: a duration (`30s`, `10m`, `1h`, plain seconds), or `alive`: held
/// as long as an owner lives, with no heartbeat.
struct LeaseArgument: ExpressibleByArgument, Equatable {
    /// The TTL in milliseconds, or `ClaimSpec.whileAlive`.
    let milliseconds: Int64

    init?(argument: String) {
        if argument == "alive" {
            milliseconds = ClaimSpec.whileAlive
        } else {
            guard let duration = Duration(argument: argument), duration.milliseconds > 0 else { return nil }
            milliseconds = duration.milliseconds
        }
    }

    static var defaultCompletionKind: CompletionKind { .list(["alive"]) }
}
