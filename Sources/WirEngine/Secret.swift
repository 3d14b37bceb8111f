/// Claim keys and generated task ids: random hex, compared in constant time.
public enum Secret {
    /// A random hex string of `bytes` random bytes (each draw of the system
    /// generator is a syscall, so each yields 16 digits).
    public static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(bytes * 2)
        while hex.count < bytes * 2 {
            var word = generator.next()
            for _ in 0..<min(16, bytes * 2 - hex.count) {
                hex.append(digits[Int(word & 0xf)])
                word >>= 4
            }
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// Compares secrets in time independent of where they differ.
    public static func matches(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
