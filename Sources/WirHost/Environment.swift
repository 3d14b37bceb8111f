#if canImport(Glibc)
import Glibc
#endif

/// The process environment, read without Foundation.
public enum Environment {
    /// The value of `name`, or nil when it is unset or empty.
    public static func value(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }
}
