import Foundation
import Synchronization
import Testing
import WirEngine
@testable import WirHost
@testable import WirSQLite
@testable import WirRegistry

/// Records the waiters the engine asked to wake.
final class RecordingWakeups: Wakeups, @unchecked Sendable {
    private let woken = Mutex<[Int64]>([])
    func wake(tickets: [Int64]) { woken.withLock { $0 += tickets } }
    func take() -> [Int64] { woken.withLock { let all = $0; $0 = []; return all } }
}
