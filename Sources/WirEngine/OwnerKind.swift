/// What an owner is: one process, or a process group (alive while any process
/// in it runs, as `wir run` records the command it runs).
public enum OwnerKind: String, Sendable, CaseIterable {
    case process
    case group
}
