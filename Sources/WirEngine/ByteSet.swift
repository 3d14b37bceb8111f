/// A set of bytes, as four 64-bit words: the label of an automaton transition.
public struct ByteSet: Hashable, Sendable {
    var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    public init() {}

    public init(_ byte: UInt8) { insert(byte) }

    /// Every byte.
    public static let all: ByteSet = { var set = ByteSet(); set.words = (~0, ~0, ~0, ~0); return set }()
    /// Every byte but '/': what `?`, `*` and bracket expressions may match.
    public static let notSlash: ByteSet = all.subtracting(ByteSet(UInt8(ascii: "/")))

    public mutating func insert(_ byte: UInt8) {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    public func contains(_ byte: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: return words.0 & bit != 0
        case 1: return words.1 & bit != 0
        case 2: return words.2 & bit != 0
        default: return words.3 & bit != 0
        }
    }

    public var isEmpty: Bool { words.0 | words.1 | words.2 | words.3 == 0 }

    public func intersection(_ other: ByteSet) -> ByteSet {
        var result = ByteSet()
        result.words = (words.0 & other.words.0, words.1 & other.words.1,
                        words.2 & other.words.2, words.3 & other.words.3)
        return result
    }

    public func subtracting(_ other: ByteSet) -> ByteSet {
        var result = ByteSet()
        result.words = (words.0 & ~other.words.0, words.1 & ~other.words.1,
                        words.2 & ~other.words.2, words.3 & ~other.words.3)
        return result
    }

    public func inverted() -> ByteSet { ByteSet.all.subtracting(self) }

    public static func == (a: ByteSet, b: ByteSet) -> Bool { a.words == b.words }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0); hasher.combine(words.1); hasher.combine(words.2); hasher.combine(words.3)
    }
}
