/// The overlapping pairs a claim met: the first `Limits.maxReportedConflicts`
/// of them, and how many there were. A claim against a claim of thousands of
/// entries reports (and logs) a hundred pairs and the total, not thousands.
/// A plain value: thread-safe.
public struct ConflictReport: RandomAccessCollection, ExpressibleByArrayLiteral, Sendable, Equatable {
    /// The pairs kept, in the order found.
    public private(set) var pairs: [Conflict] = []
    /// How many pairs were found, kept or not.
    public private(set) var total = 0
    /// False when the work limit of one decision (`Limits.maxOverlapWork`)
    /// ended the search after some pairs were found: `total` is then a lower bound.
    public private(set) var isComplete = true

    public init() {}

    public init(arrayLiteral pairs: Conflict...) {
        for pair in pairs { append(pair) }
    }

    public init(_ pairs: some Sequence<Conflict>) {
        for pair in pairs { append(pair) }
    }

    public mutating func append(_ pair: Conflict) {
        total += 1
        if pairs.count < Limits.maxReportedConflicts { pairs.append(pair) }
    }

    /// Marks the report as cut short by the work limit.
    public mutating func markIncomplete() { isComplete = false }

    public static func += (report: inout ConflictReport, more: ConflictReport) {
        for pair in more.pairs { report.append(pair) }
        report.total += more.total - more.pairs.count
        report.isComplete = report.isComplete && more.isComplete
    }

    public var startIndex: Int { pairs.startIndex }
    public var endIndex: Int { pairs.endIndex }
    public subscript(position: Int) -> Conflict { pairs[position] }
}
