import WirEngine

/// A lease as a waiter's row keeps it: 0 for the registry's default, -1 for
/// as long as an owner lives, else the TTL in ms (as `ClaimSpec.ttlMs` and
/// C's `ttl_ms` spell it).
extension Lease {
    public var stored: Int64 {
        switch self {
        case .registryDefault: return 0
        case .whileAlive: return -1
        case .ttl(let ms): return ms
        }
    }

    public init(stored: Int64) {
        switch stored {
        case 0: self = .registryDefault
        case ..<0: self = .whileAlive
        default: self = .ttl(stored)
        }
    }
}
