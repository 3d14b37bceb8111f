/// The claim a sub-claim is made under: its task id and key (the key proves
/// the caller may work under it).
public struct ParentClaim: Sendable, Equatable {
    public var taskID: String
    public var key: String

    public init(taskID: String, key: String) {
        self.taskID = taskID
        self.key = key
    }
}
