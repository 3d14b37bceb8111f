import ArgumentParser
import WirEngine

/// A duration on the command line: `30s`, `10m`, `1h`, `250ms`, `1d`, or
/// plain seconds (`1.5`), parsed by the library's one parser (`DurationText`).
struct Duration: ExpressibleByArgument, Equatable {
    let milliseconds: Int64

    init(milliseconds: Int64) { self.milliseconds = milliseconds }

    init?(argument: String) {
        guard let ms = DurationText.milliseconds(argument, bareUnitMs: 1000) else { return nil }
        milliseconds = ms
    }

    static var defaultCompletionKind: CompletionKind { .default }

    /// How `--help` shows a default: "10s", "30m".
    var defaultValueDescription: String { DurationText.describe(milliseconds) }

    /// True when `text` has no unit (the CLI reads it as seconds).
    static func isBareNumber(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: ".") }
    }
}
