import ArgumentParser
import WirEngine

/// A duration on the command line: `30s`, `10m`, `1h`, `250ms`, `1d`, or
/// plain seconds (`1.5`), parsed by the library's one parser (`DurationText`),
/// whose message names what is wrong (`-5` is negative, `0x10` no duration).
/// Options that take one read the next argument whatever it starts with
/// (`parsing: .unconditional`), so `--ttl -5` is judged as a value rather
/// than taken for a missing one.
struct Duration: Equatable, CustomStringConvertible {
    let milliseconds: Int64

    init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// For `@Option(transform:)`: the error's text is the library's.
    @Sendable static func parse(_ argument: String) throws -> Duration {
        Duration(milliseconds: try DurationText.parse(argument, bareUnitMs: 1000))
    }

    /// "10s", "30m".
    var description: String { DurationText.describe(milliseconds) }

    /// True when `text` has no unit (the CLI reads it as seconds).
    static func isBareNumber(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: ".") }
    }
}

