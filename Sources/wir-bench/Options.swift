#if canImport(Glibc)
import Glibc
#endif

/// The command line of wir-bench: sizes of each row and where to write the figures.
struct Options {
    var live = 100_000
    var rounds = 40
    var perRound = 100
    var handoffs = 200
    var seconds = 2.0
    var dir = "/tmp"
    var json: String?

    init(_ arguments: [String]) {
        var rest = arguments.dropFirst()[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { fatal("\(flag) needs a value") }
            switch flag {
            case "--live": live = Int(value) ?? live
            case "--rounds": rounds = Int(value) ?? rounds
            case "--per-round": perRound = Int(value) ?? perRound
            case "--handoffs": handoffs = Int(value) ?? handoffs
            case "--seconds": seconds = Double(value) ?? seconds
            case "--dir": dir = value
            case "--json": json = value
            case "--handoff-waiter", "--contender", "--cold-start", "--profile", "--confine-cost": break
            default: fatal("unknown option \(flag)")
            }
        }
    }
}
