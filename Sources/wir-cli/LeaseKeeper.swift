import Foundation
import WirEngine
import WirRegistry

/// Renews a claim's lease every third of its TTL while the command runs, and
/// says loudly on stderr if the claim is lost.
final class LeaseKeeper: @unchecked Sendable {
    private let registry: Registry
    private let record: ClaimRecord
    private let stopped = NSCondition()
    private var done = false
    private var thread: Thread?

    init(registry: Registry, record: ClaimRecord) {
        self.registry = registry
        self.record = record
    }

    func start() {
        let interval = max(0.05, Double(record.ttlMs) / 3000)
        let thread = Thread { [self] in
            while !self.waitStopped(seconds: interval) {
                do {
                    _ = try registry.heartbeat(taskID: record.taskID, key: record.key)
                } catch let error as WirError where error.code == .lost {
                    Failure.say("wir: WARNING: task '\(record.taskID)' LOST its claim while the command runs "
                                + "(its lease lapsed or it was reaped); others may now write its paths")
                    return
                } catch {
                    continue                     // busy: try again at the next beat
                }
            }
        }
        self.thread = thread
        thread.start()
    }

    private func waitStopped(seconds: Double) -> Bool {
        stopped.lock()
        defer { stopped.unlock() }
        if !done { _ = stopped.wait(until: Date(timeIntervalSinceNow: seconds)) }
        return done
    }

    func stop() {
        stopped.lock()
        done = true
        stopped.signal()
        stopped.unlock()
    }
}
