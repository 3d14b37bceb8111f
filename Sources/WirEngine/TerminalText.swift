/// Text shown to a person (listings, conflict reports, error messages) made
/// safe for a terminal. Task ids, labels, hosts and paths come from a shared
/// registry, where whoever can write the file can put anything, and from
/// callers; raw, an escape sequence among them could rewrite the screen or
/// fake a line. JSON output stays exact: it escapes by its own rules.
///
/// Escaped, as `\xHH` (C0 and DEL) or `\u{HHHH}`: what `Limits.containsControl`
/// refuses in input (C0, DEL, C1, U+2028, U+2029), and the bidirectional
/// formatting characters (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to
/// U+2069), which reorder what follows them on screen. Everything else,
/// backslashes included, is shown as it is.
public enum TerminalText {
    /// `text` with each character that could act on a terminal escaped.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            guard isUnsafe(scalar) else { out.unicodeScalars.append(scalar); continue }
            let hex = String(scalar.value, radix: 16)
            out += scalar.value < 0x80 ? "\\x" + String(repeating: "0", count: 2 - hex.count) + hex : "\\u{\(hex)}"
        }
        return out
    }

    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return Limits.isControl(scalar) || value == 0x061c || value == 0x200e || value == 0x200f || (0x202a...0x202e).contains(value)
            || (0x2066...0x2069).contains(value)
    }
}
