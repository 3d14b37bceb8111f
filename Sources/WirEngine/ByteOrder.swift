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
        // Native strings lend their bytes without a copy of the string (no retain).
        if let order = a.utf8.withContiguousStorageIfAvailable({ x in
            b.utf8.withContiguousStorageIfAvailable { y in compare(x, y) }
        }), let order { return order }
        var a = a, b = b                 // bridged strings: withUTF8 makes them contiguous
        return a.withUTF8 { x in b.withUTF8 { y in compare(x, y) } }
    }

    private static func compare(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Int {
        let common = min(x.count, y.count)
        let order = common == 0 ? 0 : Int(memcmp(x.baseAddress!, y.baseAddress!, common))
        return order != 0 ? order : x.count - y.count
    }

    /// Feeds the string's bytes to a hasher (consistent with `compare(_:_:) == 0`).
    static func hash(_ text: String, into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
