/// What the engine needs to admit a waiter on its behalf (`Engine+QueueAdmission`):
/// the claim it would make, as its request asked. Kept with the waiter's row;
/// the key is a secret as a claim's is.
public struct WaiterTerms: Sendable, Equatable {
    /// The key its new claim gets: the waiter made it, so only it (and
    /// whoever reads the registry, as for every claim) knows it.
    public var key: String
    public var lease: Lease
    public var label: String
    public var allowWrites: [CanonicalPath]
    /// The key of the claim it waits to be made under ("" for none): the parent
    /// must still be that claim, not another made under its task id since.
    public var parentKey: String

    public init(key: String, lease: Lease, label: String = "", allowWrites: [CanonicalPath] = [], parentKey: String = "") {
        self.key = key
        self.lease = lease
        self.label = label
        self.allowWrites = allowWrites
        self.parentKey = parentKey
    }
}
