import WirEngine
import WirRegistry

/// Plain-text tables for the listings.
enum Table {
    /// Prints rows under a header, columns padded to their widest cell; what
    /// could act on a terminal is escaped (`TerminalText`): cells hold tasks,
    /// labels, hosts and paths from a shared registry.
    static func print(_ header: [String], _ rows: [[String]]) {
        let all = ([header] + rows).map { $0.map(TerminalText.escaped) }
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        for row in all {
            let cells = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }
            Swift.print(cells.joined(separator: "  "))
        }
    }

    static func entries(_ entries: [PathEntry]) -> String {
        entries.map(\.description).joined(separator: ", ")
    }
}
