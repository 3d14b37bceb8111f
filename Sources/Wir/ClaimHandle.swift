#if canImport(Glibc)
import Glibc
#endif
import CWir
import WirEngine
import WirRegistry

/// What a `wir_claim *` points to: an admitted, refused or released claim,
/// with every string and struct the accessors lend out.
final class ClaimHandle {
    enum State { case held, refused, released }

    var state: State
    let taskID: String
    let key: String?
    var token: UInt64
    var expiresMs: Int64
    /// This process's reckoning of the lease, which bounds renewals and checks (`HolderLease`).
    var lease: HolderLease
    /// What the claim holds (admitted) or asked for (refused), as this handle knows it.
    private(set) var entries: [PathEntry]
    /// Paths a confined run may write without claiming them.
    let allowWrites: [CanonicalPath]
    private var strings = OwnedCStrings()
    private(set) var cTaskID: UnsafePointer<CChar>? = nil
    private(set) var cKey: UnsafePointer<CChar>? = nil
    private(set) var cPaths: [UnsafePointer<CChar>] = []
    let conflicts: UnsafeMutableBufferPointer<wir_conflict>
    /// How many overlapping pairs were found (`conflicts` holds the first
    /// `Limits.maxReportedConflicts`).
    let conflictTotal: Int

    /// An admitted (or attached) claim; under the warn policy, with the
    /// overlaps it was admitted despite.
    init(held claim: ClaimRecord, entries: [PathEntry], warnings: ConflictReport = [], lease: HolderLease = .unknown) {
        state = .held
        taskID = claim.taskID
        key = claim.key
        token = UInt64(claim.token)
        expiresMs = claim.expiresMs
        self.lease = lease
        self.entries = entries
        allowWrites = claim.allowWrites
        conflicts = .allocate(capacity: warnings.count)
        conflictTotal = warnings.total
        fill(entries: entries, report: warnings)
    }

    /// A refused (or timed-out) claim carrying its conflict report.
    init(refused taskID: String, requested: [PathEntry], conflicts report: ConflictReport) {
        state = .refused
        self.taskID = taskID
        key = nil
        token = 0
        expiresMs = 0
        lease = .unknown
        entries = requested
        allowWrites = []
        conflicts = .allocate(capacity: report.count)
        conflictTotal = report.total
        fill(entries: requested, report: report)
    }

    private func fill(entries: [PathEntry], report: ConflictReport) {
        cTaskID = strings.make(taskID)
        cKey = key.map { strings.make($0) }
        cPaths = entries.map { strings.make($0.text) }
        for (index, conflict) in report.enumerated() {
            conflicts[index] = wir_conflict(
                requested_path: strings.make(conflict.requested.text),
                held_path: strings.make(conflict.held.text),
                holder_task_id: strings.make(conflict.holderTaskID),
                holder_host: strings.make(conflict.holderHost),
                holder_pid: Int64(conflict.holderPID),
                holder_expires_ms: conflict.holderExpiresMs,
                requested_access: conflict.requested.access == .read ? WIR_ACCESS_READ : WIR_ACCESS_WRITE,
                held_access: conflict.held.access == .read ? WIR_ACCESS_READ : WIR_ACCESS_WRITE,
                holder_waiting: conflict.holderIsWaiting ? 1 : 0,
                holder_while_alive: conflict.holderWhileAlive ? 1 : 0)
        }
    }

    /// After a shrink: the entries it still holds. (The old strings stay
    /// allocated until the claim is freed, so pointers lent out stay valid.)
    func replaceEntries(_ kept: [PathEntry]) {
        entries = kept
        cPaths = kept.map { strings.make($0.text) }
    }

    deinit {
        conflicts.deallocate()
        strings.freeAll()
    }

    /// The key, for a claim that still holds; throws otherwise.
    func heldKey() throws -> String {
        switch state {
        case .held: return key!
        case .refused: throw Status.invalid("claim '\(taskID)' was refused, so it holds nothing")
        case .released: throw WirError(.lost, "claim '\(taskID)' was already released")
        }
    }

    var opaque: OpaquePointer { OpaquePointer(Unmanaged.passRetained(self).toOpaque()) }

    static func from(_ pointer: OpaquePointer?) throws -> ClaimHandle {
        guard let pointer else { throw Status.invalid("the claim is NULL") }
        return borrow(pointer)
    }

    static func borrow(_ pointer: OpaquePointer) -> ClaimHandle {
        Unmanaged<ClaimHandle>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }

    static func release(_ pointer: OpaquePointer) {
        Unmanaged<ClaimHandle>.fromOpaque(UnsafeRawPointer(pointer)).release()
    }
}
