#if canImport(Glibc)
import Glibc
#endif

/// Orders strings by their UTF-8 bytes, as the kernel and SQLite do (`String`'s
/// own `==` and `<` fold Unicode-equivalent spellings that name different files).
/// One `memcmp` over contiguous storage: a byte-by-byte walk of `utf8` views
/// measured several times slower on the claim path.
enum ByteOrder {
    /// Negative, zero or positive as `a` sorts before, equal to, or after `b`.
    static func compare(_ a: String, _ b: String) -> Int {
        var a = a, b = b                 // withUTF8 needs var; native strings are not copied
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let common = min(x.count, y.count)
                let order = common == 0 ? 0 : Int(memcmp(x.baseAddress!, y.baseAddress!, common))
                return order != 0 ? order : x.count - y.count
            }
        }
    }

    /// Feeds the string's bytes to a hasher (consistent with `compare(_:_:) == 0`).
    static func hash(_ text: String, into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
