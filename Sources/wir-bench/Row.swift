#if canImport(Glibc)
import Glibc
#endif

/// One measured latency row: an action timed again and again.
final class Row {
    let name: String
    let action: () -> Void
    var samples: [UInt64] = []

    init(_ name: String, _ action: @escaping () -> Void) {
        self.name = name
        self.action = action
    }

    func run(_ count: Int) {
        for _ in 0..<count {
            let start = nowNs()
            action()
            samples.append(nowNs() - start)
        }
    }

    func percentile(_ p: Double) -> Double {
        let sorted = samples.sorted()
        return Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1000
    }
}
