import Foundation
import Synchronization
import Testing
import WirEngine
@testable import WirHost
@testable import WirSQLite
@testable import WirRegistry

/// A clock the test moves by hand.
final class FakeClock: Clock, @unchecked Sendable {
    private let now = Mutex<Int64>(1_700_000_000_000)
    func nowMs() -> Int64 { now.withLock { $0 } }
    func advance(ms: Int64) { now.withLock { $0 += ms } }
}
