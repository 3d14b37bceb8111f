#if canImport(Glibc)
import Glibc
#endif

/// C strings owned by one object and freed with it.
struct OwnedCStrings {
    private(set) var pointers: [UnsafeMutablePointer<CChar>] = []

    /// Copies `text` into a new C string that lives until `freeAll`.
    mutating func make(_ text: String) -> UnsafePointer<CChar> {
        let copy = strdup(text)!
        pointers.append(copy)
        return UnsafePointer(copy)
    }

    mutating func freeAll() {
        pointers.forEach { free($0) }
        pointers.removeAll()
    }
}
