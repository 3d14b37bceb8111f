/// The scheme of a `scheme://...` URL, as RFC 3986 spells one: a letter, then
/// letters, digits, `+`, `-` or `.`. What a registry location that is a URL
/// is told apart by (a file path never needs `://`).
public enum URLScheme {
    /// The scheme of `text`, or nil when `text` does not start with one and `://`.
    public static func of(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), bytes.count >= colon + 3,
              bytes[colon + 1] == UInt8(ascii: "/"), bytes[colon + 2] == UInt8(ascii: "/") else { return nil }
        let scheme = String(decoding: bytes[..<colon], as: UTF8.self)
        guard let first = scheme.unicodeScalars.first, isLetter(first),
              scheme.unicodeScalars.allSatisfy({ isLetter($0) || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0) })
        else { return nil }
        return scheme
    }

    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }
}
