/// One line of `wir doctor`: a check's name, its value, and whether the value
/// is a number (JSON prints it unquoted). A plain value type: thread-safe.
public struct Diagnostic: Sendable, Equatable {
    public let name: String
    public let value: String
    public let isNumber: Bool

    public init(name: String, value: String, isNumber: Bool) {
        self.name = name
        self.value = value
        self.isNumber = isNumber
    }
}
