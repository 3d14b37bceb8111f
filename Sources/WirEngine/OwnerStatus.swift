/// What the engine can learn about an owner.
public enum OwnerStatus: Sendable, Equatable {
    /// The owner runs on this host and is the same process that made the claim.
    case alive
    /// Proven gone: no such pid, a different process under that pid, a zombie,
    /// or a claim from an earlier boot of this host.
    case dead
    /// On another host: judged by its lease only.
    case remote
}
