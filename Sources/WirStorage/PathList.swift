import WirEngine

/// Canonical paths as one text column, newline-separated (paths hold no
/// control characters). Both stores keep a claim's allowed writes this way.
public enum PathList {
    public static func encode(_ paths: [CanonicalPath]) -> String {
        paths.map(\.value).joined(separator: "\n")
    }

    public static func decode(_ text: String) -> [CanonicalPath] {
        text.utf8.split(separator: UInt8(ascii: "\n")).map { CanonicalPath(canonical: String(decoding: $0, as: UTF8.self)) }
    }
}
