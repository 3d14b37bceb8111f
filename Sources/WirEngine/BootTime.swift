/// A reading of a machine's boot clock: milliseconds since boot `bootID`.
/// Every process of one boot reads the same clock, whatever the wall clock does.
public struct BootTime: Sendable, Equatable {
    public var bootID: String
    public var ms: Int64

    public init(bootID: String, ms: Int64) {
        self.bootID = bootID
        self.ms = ms
    }
}
