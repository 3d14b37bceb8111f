/// Whether a claim will write a path or only read it. Reads never conflict
/// with reads; a read and a write conflict when they overlap.
public enum Access: String, Sendable, CaseIterable {
    case write, read
}
