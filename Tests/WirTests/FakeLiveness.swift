import Foundation
import Synchronization
import Testing
import WirEngine
@testable import WirHost
@testable import WirSQLite
@testable import WirRegistry

/// Liveness the test decides: owners are alive unless their pid is marked dead,
/// and owners on hosts other than "here" are remote.
final class FakeLiveness: OwnerLiveness, @unchecked Sendable {
    private let dead = Mutex<Set<Int32>>([])
    func kill(pid: Int32) { dead.withLock { _ = $0.insert(pid) } }
    func status(of owner: Owner) -> OwnerStatus {
        if owner.host != "here" { return .remote }
        return dead.withLock { $0.contains(owner.pid) } ? .dead : .alive
    }
}
