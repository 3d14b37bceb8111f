/// One entry held by one task.
public struct Holding: Sendable, Hashable, Comparable {
    public var entry: PathEntry
    public var taskID: String

    public init(entry: PathEntry, taskID: String) {
        self.entry = entry
        self.taskID = taskID
    }

    public static func < (a: Holding, b: Holding) -> Bool {
        a.entry != b.entry ? a.entry < b.entry : ByteOrder.compare(a.taskID, b.taskID) < 0
    }
}
