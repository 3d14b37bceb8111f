#if canImport(Glibc)
import Glibc
#endif
import WirEngine

/// Reading C strings passed in, and owning C strings handed out.
enum CStrings {
    /// A NUL-terminated argument as a String; throws EINVAL if NULL, longer
    /// than `limit` bytes, or not valid UTF-8. The limit only guards against
    /// unterminated memory: what is too long for its purpose (a task id over
    /// 256 bytes) is judged by `Limits`, with the same message C, the CLI and
    /// Python give.
    static func read(_ pointer: UnsafePointer<CChar>?, _ what: @autoclosure () -> String,
                     limit: Int = 1 << 16) throws -> String {
        guard let pointer else { throw Status.invalid("\(what()) is NULL") }
        let length = strnlen(pointer, limit + 1)
        guard length <= limit else { throw Status.invalid("\(what()) is longer than \(limit) bytes") }
        let bytes = UnsafeRawBufferPointer(start: pointer, count: length)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw Status.invalid("\(what()) is not valid UTF-8")
        }
        return text
    }

    /// Like `read`, but NULL gives nil.
    static func readOptional(_ pointer: UnsafePointer<CChar>?, _ what: @autoclosure () -> String,
                             limit: Int = 1 << 16) throws -> String? {
        guard pointer != nil else { return nil }
        return try read(pointer, what(), limit: limit)
    }

    /// A static string's bytes as a C string that is never freed.
    static func forever(_ text: StaticString) -> UnsafePointer<CChar> {
        UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
    }
}
