/// Finds every value put into SQL text in Swift source: interpolations and
/// operands concatenated with `+`. String literals (single-line and `"""`
/// multi-line) are read whole, literals joined by `+` count as one
/// expression, and an expression is SQL when any of its literals holds an
/// upper-case SQL keyword. Comments are skipped.
struct SQLInterpolationScanner {
    /// One `\(...)` inside a SQL expression: the interpolated code, and the line it is on.
    struct Finding: Equatable {
        var code: String
        var line: Int
    }

    static let keywords = ["SELECT", "INSERT", "UPDATE", "DELETE", "PRAGMA", "CREATE", "ALTER", "DROP", "LISTEN",
                           "NOTIFY", "WITH", "FROM", "WHERE", "BEGIN", "GRANT", "SET ", "EXPLAIN"]

    /// Every interpolation into SQL in `source`, and how many SQL expressions it saw.
    static func scan(_ source: String) -> (findings: [Finding], sqlExpressions: Int) {
        let bytes = Array(source.utf8)
        var index = 0
        var line = 1
        var groups: [[Literal]] = []
        var joined = false                       // the previous literal ends in `+` before this one
        while index < bytes.count {
            let byte = bytes[index]
            if byte == newline { line += 1; index += 1; continue }
            if starts(bytes, index, "//") {
                while index < bytes.count && bytes[index] != newline { index += 1 }
                continue
            }
            if starts(bytes, index, "/*") {
                index += 2
                while index < bytes.count && !starts(bytes, index, "*/") {
                    if bytes[index] == newline { line += 1 }
                    index += 1
                }
                index += 2
                continue
            }
            if byte == quote {
                let startLine = line
                let before = operand(endingBefore: index, in: bytes)
                var literal = readLiteral(bytes, &index, &line)
                if !joined, let before { literal.interpolations.insert(Finding(code: before, line: startLine), at: 0) }
                if let after = operand(startingAfter: index, in: bytes) {
                    literal.interpolations.append(Finding(code: after, line: line))
                }
                if joined, !groups.isEmpty { groups[groups.count - 1].append(literal) } else { groups.append([literal]) }
                joined = followedByPlus(bytes, index)
                continue
            }
            if !(byte == space || byte == tab || byte == plus) { joined = false }
            index += 1
        }
        var findings: [Finding] = []
        var sql = 0
        for group in groups where group.contains(where: { literal in keywords.contains { literal.text.contains($0) } }) {
            sql += 1
            findings += group.flatMap(\.interpolations)
        }
        return (findings, sql)
    }

    private struct Literal {
        var text: String
        var interpolations: [Finding]
    }

    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), newline = UInt8(ascii: "\n")
    private static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), plus = UInt8(ascii: "+")
    private static let open = UInt8(ascii: "("), close = UInt8(ascii: ")")

    private static func starts(_ bytes: [UInt8], _ index: Int, _ text: String) -> Bool {
        let pattern = Array(text.utf8)
        return index + pattern.count <= bytes.count && Array(bytes[index..<index + pattern.count]) == pattern
    }

    /// True when only blanks and line breaks stand between `index` and a `+`
    /// that is followed (after blanks) by another literal.
    private static func followedByPlus(_ bytes: [UInt8], _ start: Int) -> Bool {
        var index = start
        func skipBlanks() { while index < bytes.count && [space, tab, newline].contains(bytes[index]) { index += 1 } }
        skipBlanks()
        guard index < bytes.count, bytes[index] == plus else { return false }
        index += 1
        skipBlanks()
        return index < bytes.count && bytes[index] == quote
    }

    /// The operand of a `+` right after a literal ending at `start`, unless it is another literal.
    private static func operand(startingAfter start: Int, in bytes: [UInt8]) -> String? {
        var index = start
        while index < bytes.count && [space, tab, newline].contains(bytes[index]) { index += 1 }
        guard index < bytes.count, bytes[index] == plus, index + 1 < bytes.count, bytes[index + 1] != UInt8(ascii: "=")
        else { return nil }
        index += 1
        while index < bytes.count && [space, tab, newline].contains(bytes[index]) { index += 1 }
        guard index < bytes.count, bytes[index] != quote else { return nil }
        let end = bytes[index...].firstIndex { !isIdentifier($0) } ?? bytes.count
        return end > index ? String(decoding: bytes[index..<end], as: UTF8.self) : nil
    }

    /// The operand of a `+` right before a literal starting at `start` (not `+=`), unless it is a literal.
    private static func operand(endingBefore start: Int, in bytes: [UInt8]) -> String? {
        var index = start - 1
        while index >= 0 && [space, tab, newline].contains(bytes[index]) { index -= 1 }
        guard index >= 1, bytes[index] == plus else { return nil }
        index -= 1
        while index >= 0 && [space, tab, newline].contains(bytes[index]) { index -= 1 }
        guard index >= 0, bytes[index] != quote else { return nil }
        var begin = index
        while begin >= 0 && isIdentifier(bytes[begin]) { begin -= 1 }
        return begin < index ? String(decoding: bytes[(begin + 1)...index], as: UTF8.self) : nil
    }

    private static func isIdentifier(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: ".")
    }

    /// Reads the literal starting at `index` (a `"`), leaving `index` after it.
    private static func readLiteral(_ bytes: [UInt8], _ index: inout Int, _ line: inout Int) -> Literal {
        let multiline = starts(bytes, index, "\"\"\"")
        index += multiline ? 3 : 1
        var text: [UInt8] = []
        var interpolations: [Finding] = []
        while index < bytes.count {
            if multiline ? starts(bytes, index, "\"\"\"") : bytes[index] == quote {
                index += multiline ? 3 : 1
                break
            }
            if bytes[index] == backslash && index + 1 < bytes.count {
                if bytes[index + 1] == open {
                    let startLine = line
                    index += 2
                    var depth = 1
                    var code: [UInt8] = []
                    while index < bytes.count {
                        let byte = bytes[index]
                        if byte == newline { line += 1 }
                        if byte == quote {                      // a literal inside the interpolation
                            let inner = readLiteral(bytes, &index, &line)
                            code += Array("\"\(inner.text)\"".utf8)
                            continue
                        }
                        if byte == open { depth += 1 }
                        if byte == close { depth -= 1; if depth == 0 { index += 1; break } }
                        code.append(byte)
                        index += 1
                    }
                    interpolations.append(Finding(code: String(decoding: code, as: UTF8.self), line: startLine))
                    text += Array("\\(…)".utf8)
                    continue
                }
                text += bytes[index...index + 1]
                index += 2
                continue
            }
            if bytes[index] == newline { line += 1 }
            text.append(bytes[index])
            index += 1
        }
        return Literal(text: String(decoding: text, as: UTF8.self), interpolations: interpolations)
    }
}
