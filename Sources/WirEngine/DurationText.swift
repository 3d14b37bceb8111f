/// Durations written as text: a whole or decimal number with a unit (`250ms`,
/// `30s`, `1.5m`, `10m`, `1h`, `1d`). Anything else (`0x10`, `1e3`, `-5`, a
/// unit alone) is refused. The one parser of the C settings, the CLI and Python.
public enum DurationText {
    static let units: [(suffix: String, ms: Double)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000),
                                                       ("d", 86_400_000)]

    /// The milliseconds `text` stands for, rounded to the nearest; a bare
    /// number counts in `bareUnitMs`. nil when it is not a duration, or
    /// beyond 9e15 ms.
    public static func milliseconds(_ text: String, bareUnitMs: Int64) -> Int64? {
        if case .milliseconds(let ms) = read(text, bareUnitMs: bareUnitMs) { return ms }
        return nil
    }

    /// The milliseconds `text` stands for (as `milliseconds`); throws
    /// `.invalidArgument` with `problem`'s words when it is not a duration.
    public static func parse(_ text: String, bareUnitMs: Int64) throws -> Int64 {
        guard let ms = milliseconds(text, bareUnitMs: bareUnitMs) else {
            throw WirError(.invalidArgument, problem(text, bareUnitMs: bareUnitMs))
        }
        return ms
    }

    /// What is wrong with `text` as a duration, in words that name it: a
    /// negative number, one too long, or not a number with a unit.
    public static func problem(_ text: String, bareUnitMs: Int64) -> String {
        let spelling = "a number with a unit, ms, s, m, h or d (250ms, 30s, 1.5m, 10m, 1h, 1d), or a number of "
            + (bareUnitMs == 1 ? "milliseconds" : "seconds")
        if text.hasPrefix("-") { return "a duration cannot be negative ('\(text)'); it is \(spelling)" }
        if case .tooLong = read(text, bareUnitMs: bareUnitMs) {
            return "'\(text)' is too long a duration (at most 9e15 ms, about 285,000 years)"
        }
        return "'\(text)' is not a duration: it is \(spelling), without a sign, an exponent or hexadecimal"
    }

    private enum Reading { case milliseconds(Int64), tooLong, invalid }

    private static func read(_ text: String, bareUnitMs: Int64) -> Reading {
        var number = Substring(text), scale = Double(bareUnitMs)
        for unit in units where text.hasSuffix(unit.suffix) {
            number = text.dropLast(unit.suffix.count)
            scale = unit.ms
            break
        }
        let parts = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard !number.isEmpty, parts.count <= 2, parts[0].utf8.allSatisfy(isDigit),
              parts.count == 1 || (!parts[1].isEmpty && parts[1].utf8.allSatisfy(isDigit)),
              let value = Double(number) else { return .invalid }
        guard value * scale < 9e15 else { return .tooLong }
        return .milliseconds(Int64((value * scale).rounded()))
    }

    /// The shortest exact spelling with a unit: "10m", "90s", "250ms".
    public static func describe(_ ms: Int64) -> String {
        for (suffix, factor) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000)]
        where ms >= factor && ms % factor == 0 {
            return "\(ms / factor)\(suffix)"
        }
        return "\(ms)ms"
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
