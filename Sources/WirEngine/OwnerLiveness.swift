/// Decides whether claim owners are alive. Implementations must be thread-safe.
public protocol OwnerLiveness: Sendable {
    func status(of owner: Owner) -> OwnerStatus
}
