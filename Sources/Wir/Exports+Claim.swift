import CWir
import WirEngine
import WirRegistry

// Claiming, renewing, releasing, and reading claim objects.

/// Most paths one claim may name (a guard against a garbage n_writes).
private let maxWrites = 1 << 20

@c @implementation
public func wir_claim(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ reg: OpaquePointer?,
                      _ opts: UnsafePointer<wir_claim_opts>?) -> Int32 {
    out?.pointee = nil
    return Status.run {
        guard let out else { throw Status.invalid("wir_claim: out is NULL") }
        let handle = try RegistryHandle.from(reg)
        var whileQueued: ((Int64, [Conflict], Int64) -> Void)?
        if let (callback, payload) = handle.waitCallback() {
            whileQueued = { _, conflicts, waitedMs in
                let report = ClaimHandle(refused: "", requested: [], conflicts: ConflictReport(conflicts)).opaque
                callback(payload, report, waitedMs)
                ClaimHandle.release(report)
            }
        }
        let outcome = try handle.registry.claim(try claimSpec(opts), whileQueued: whileQueued)
        switch outcome.result {
        case .admitted(let record, let entries, let warnings):
            let claim = ClaimHandle(held: record, entries: entries, warnings: warnings, lease: outcome.lease ?? .unknown)
            out.pointee = claim.opaque
            if !warnings.isEmpty, let (callback, payload) = handle.warnCallback() {
                callback(payload, out.pointee)
            }
            return WIR_OK
        case .refused(let conflicts), .timedOut(let conflicts):
            out.pointee = ClaimHandle(refused: outcome.taskID, requested: outcome.requested,
                                      conflicts: conflicts).opaque
            let first = conflicts[0]
            let timedOut: Bool
            if case .timedOut = outcome.result { timedOut = true } else { timedOut = false }
            return Status.report(timedOut ? WIR_ETIMEDOUT : WIR_ECONFLICT,
                "claim '\(outcome.taskID)' \(timedOut ? "timed out" : "refused"): '\(first.requested.text)' "
                + "overlaps '\(first.held.text)' \(first.holderIsWaiting ? "queued ahead" : "held") by task "
                + "'\(first.holderTaskID)' (pid \(first.holderPID) on \(first.holderHost))"
                + (conflicts.total > 1 ? " and \(conflicts.total - 1) more" : ""))
        }
    }
}

@c @implementation
public func wir_probe(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ reg: OpaquePointer?,
                      _ opts: UnsafePointer<wir_claim_opts>?) -> Int32 {
    out?.pointee = nil
    return Status.run {
        guard let out else { throw Status.invalid("wir_probe: out is NULL") }
        let handle = try RegistryHandle.from(reg)
        let spec = try claimSpec(opts)
        let conflicts = try handle.registry.probe(spec)
        out.pointee = ClaimHandle(refused: spec.taskID ?? "", requested: [], conflicts: conflicts).opaque
        guard let first = conflicts.first else { return WIR_OK }
        return Status.report(WIR_ECONFLICT,
            "'\(first.requested.text)' overlaps '\(first.held.text)' \(first.holderIsWaiting ? "queued ahead" : "held") "
            + "by task '\(first.holderTaskID)' (pid \(first.holderPID) on \(first.holderHost))"
            + (conflicts.total > 1 ? " and \(conflicts.total - 1) more" : ""))
    }
}

/// Reads `count` C strings for `what` (NULL array allowed only when empty).
private func strings(_ array: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int, _ what: String) throws -> [String] {
    guard count > 0 else { return [] }
    guard let array else { throw Status.invalid("\(what) is NULL but n_\(what) is \(count)") }
    guard count <= maxWrites else { throw Status.invalid("n_\(what) is \(count); at most \(maxWrites) per claim") }
    return try (0..<count).map { try CStrings.read(array[$0], "\(what)[\($0)]") }
}

/// Reads and checks a wir_claim_opts of version 1, 2 or 3. An older struct
/// ends before the fields its version lacks, so only its own bytes are read.
private func claimSpec(_ pointer: UnsafePointer<wir_claim_opts>?) throws -> ClaimSpec {
    guard let pointer else { throw Status.invalid("wir_claim: opts is NULL") }
    let version = UnsafeRawPointer(pointer).load(as: UInt32.self)
    var options = wir_claim_opts()
    switch version {
    case 1, 2:
        let size = version == 1 ? MemoryLayout<wir_claim_opts>.offset(of: \wir_claim_opts.parent_task_id)!
            : MemoryLayout<wir_claim_opts>.offset(of: \wir_claim_opts.allow_writes)!
        withUnsafeMutableBytes(of: &options) { $0.copyMemory(from: UnsafeRawBufferPointer(start: pointer, count: size)) }
    case UInt32(WIR_CLAIM_OPTS_VERSION):
        options = pointer.pointee
    default:
        throw Status.invalid("wir_claim_opts.version is \(version); initialise it with WIR_CLAIM_OPTS_INIT")
    }
    let writes = try strings(options.writes, options.n_writes, "writes")
    let reads = try strings(options.reads, options.n_reads, "reads")
    let policy: Policy?
    switch options.policy {
    case WIR_POLICY_DEFAULT: policy = nil
    case WIR_POLICY_REFUSE: policy = .refuse
    case WIR_POLICY_QUEUE: policy = .queue
    case WIR_POLICY_WARN: policy = .warn
    default: throw Status.invalid("unknown policy \(options.policy)")
    }
    guard options.owner_pid >= 0, options.owner_pid <= Int64(Int32.max) else {
        throw Status.invalid("owner_pid \(options.owner_pid) is not a pid")
    }
    return ClaimSpec(
        taskID: try CStrings.readOptional(options.task_id, "the task id"),
        writes: writes, reads: reads, ttlMs: options.ttl_ms, policy: policy, timeoutMs: options.timeout_ms,
        key: try CStrings.readOptional(options.key, "the key"),
        ownerPID: options.owner_pid == 0 ? nil : Int32(options.owner_pid),
        label: try CStrings.readOptional(options.label, "the label") ?? "",
        parent: try parent(options),
        allowWrites: try strings(options.allow_writes, options.n_allow_writes, "allow_writes"))
}

/// The parent named by a version 2 struct: both fields or neither.
private func parent(_ options: wir_claim_opts) throws -> ParentClaim? {
    let taskID = try CStrings.readOptional(options.parent_task_id, "the parent task id")
    let key = try CStrings.readOptional(options.parent_key, "the parent key")
    switch (taskID, key) {
    case (nil, nil): return nil
    case (let taskID?, let key?): return ParentClaim(taskID: taskID, key: key)
    default: throw Status.invalid("wir_claim_opts: parent_task_id and parent_key go together")
    }
}

@c @implementation
public func wir_cancel(_ out: UnsafeMutablePointer<Int>?, _ reg: OpaquePointer?, _ taskID: UnsafePointer<CChar>?) -> Int32 {
    Status.run {
        let handle = try RegistryHandle.from(reg)
        let task = try CStrings.readOptional(taskID, "the task id")
        out?.pointee = handle.registry.cancel(taskID: task)
        return WIR_OK
    }
}

@c @implementation
public func wir_set_warn_callback(_ reg: OpaquePointer?, _ fn: wir_warn_fn?, _ payload: UnsafeMutableRawPointer?) -> Int32 {
    Status.run {
        try RegistryHandle.from(reg).setWarnCallback(fn, payload)
        return WIR_OK
    }
}

@c @implementation
public func wir_set_wait_callback(_ reg: OpaquePointer?, _ fn: wir_wait_fn?, _ payload: UnsafeMutableRawPointer?) -> Int32 {
    Status.run {
        try RegistryHandle.from(reg).setWaitCallback(fn, payload)
        return WIR_OK
    }
}

@c @implementation
public func wir_shrink(_ reg: OpaquePointer?, _ claim: OpaquePointer?,
                       _ paths: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int) -> Int32 {
    Status.run {
        let handle = try RegistryHandle.from(reg)
        let held = try ClaimHandle.from(claim)
        let texts = try strings(paths, count, "paths")
        let kept = try handle.registry.shrink(taskID: held.taskID, key: try held.heldKey(), paths: texts)
        held.replaceEntries(kept)
        return WIR_OK
    }
}

@c @implementation
public func wir_attach(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ reg: OpaquePointer?,
                       _ taskID: UnsafePointer<CChar>?, _ key: UnsafePointer<CChar>?) -> Int32 {
    out?.pointee = nil
    return Status.run {
        guard let out else { throw Status.invalid("wir_attach: out is NULL") }
        let handle = try RegistryHandle.from(reg)
        let task = try CStrings.read(taskID, "the task id")
        let secret = try CStrings.read(key, "the key")
        let (record, entries) = try handle.registry.attach(taskID: task, key: secret)
        out.pointee = ClaimHandle(held: record, entries: entries).opaque
        return WIR_OK
    }
}

@c @implementation
public func wir_check(_ reg: OpaquePointer?, _ claim: OpaquePointer?) -> Int32 {
    Status.run {
        let handle = try RegistryHandle.from(reg)
        let held = try ClaimHandle.from(claim)
        try handle.registry.check(held.lease, taskID: held.taskID, key: try held.heldKey())
        return WIR_OK
    }
}

@c @implementation
public func wir_heartbeat(_ reg: OpaquePointer?, _ claim: OpaquePointer?, _ ttlMs: Int64) -> Int32 {
    Status.run {
        let handle = try RegistryHandle.from(reg)
        let held = try ClaimHandle.from(claim)
        let record = try handle.registry.renew(&held.lease, taskID: held.taskID, key: try held.heldKey(), ttlMs: ttlMs)
        held.expiresMs = record.expiresMs
        return WIR_OK
    }
}

@c @implementation
public func wir_release(_ reg: OpaquePointer?, _ claim: OpaquePointer?, _ outcome: Int32) -> Int32 {
    Status.run {
        let handle = try RegistryHandle.from(reg)
        let held = try ClaimHandle.from(claim)
        let reason: ReleaseOutcome
        switch outcome {
        case WIR_OUTCOME_COMPLETED: reason = .completed
        case WIR_OUTCOME_FAILED: reason = .failed
        case WIR_OUTCOME_CANCELLED: reason = .cancelled
        default: throw Status.invalid("unknown outcome \(outcome)")
        }
        let key = try held.heldKey()
        do {
            try handle.registry.release(taskID: held.taskID, key: key, outcome: reason)
        } catch let error as WirError where error.code == .lost {
            held.state = .released
            throw error
        }
        held.state = .released
        return WIR_OK
    }
}

@c @implementation
public func wir_add_owner(_ reg: OpaquePointer?, _ claim: OpaquePointer?, _ pid: Int64, _ flags: Int32) -> Int32 {
    ownerCall(reg, claim, pid, "wir_add_owner") {
        try $0.addOwner(taskID: $1, key: $2, pid: $3, group: try isGroup(flags))
    }
}

@c @implementation
public func wir_remove_owner(_ reg: OpaquePointer?, _ claim: OpaquePointer?, _ pid: Int64, _ flags: Int32) -> Int32 {
    ownerCall(reg, claim, pid, "wir_remove_owner") {
        try $0.removeOwner(taskID: $1, key: $2, pid: $3, group: try isGroup(flags))
    }
}

@c @implementation
public func wir_hand_off(_ reg: OpaquePointer?, _ claim: OpaquePointer?, _ pid: Int64) -> Int32 {
    ownerCall(reg, claim, pid, "wir_hand_off") { try $0.handOff(taskID: $1, key: $2, to: $3) }
}

/// The body of the owner exports: checks the handle, the claim and the pid,
/// then calls `change` with the registry, the claim's task id and key, and the pid.
private func ownerCall(_ reg: OpaquePointer?, _ claim: OpaquePointer?, _ pid: Int64, _ function: String,
                       _ change: (Registry, String, String, Int32) throws -> ClaimRecord) -> Int32 {
    Status.run {
        let handle = try RegistryHandle.from(reg)
        let held = try ClaimHandle.from(claim)
        guard pid > 0, pid <= Int64(Int32.max) else { throw Status.invalid("\(function): \(pid) is not a pid") }
        _ = try change(handle.registry, held.taskID, try held.heldKey(), Int32(pid))
        return WIR_OK
    }
}

private func isGroup(_ flags: Int32) throws -> Bool {
    switch flags {
    case WIR_OWNER_PROCESS: return false
    case WIR_OWNER_GROUP: return true
    default: throw Status.invalid("unknown owner flags \(flags) (WIR_OWNER_PROCESS or WIR_OWNER_GROUP)")
    }
}

@c @implementation
public func wir_force_release(_ reg: OpaquePointer?, _ taskID: UnsafePointer<CChar>?) -> Int32 {
    Status.run {
        let handle = try RegistryHandle.from(reg)
        try handle.registry.forceRelease(taskID: try CStrings.read(taskID, "the task id"))
        return WIR_OK
    }
}

@c @implementation
public func wir_claim_free(_ claim: OpaquePointer?) {
    guard let claim else { return }
    ClaimHandle.release(claim)
}

@c @implementation
public func wir_claim_task_id(_ claim: OpaquePointer?) -> UnsafePointer<CChar>? {
    claim.map { ClaimHandle.borrow($0).cTaskID } ?? nil
}

@c @implementation
public func wir_claim_key(_ claim: OpaquePointer?) -> UnsafePointer<CChar>? {
    claim.map { ClaimHandle.borrow($0).cKey } ?? nil
}

@c @implementation
public func wir_claim_token(_ claim: OpaquePointer?) -> UInt64 {
    claim.map { ClaimHandle.borrow($0).token } ?? 0
}

@c @implementation
public func wir_claim_expires_ms(_ claim: OpaquePointer?) -> Int64 {
    claim.map { ClaimHandle.borrow($0).expiresMs } ?? 0
}

@c @implementation
public func wir_claim_path_count(_ claim: OpaquePointer?) -> Int {
    claim.map { ClaimHandle.borrow($0).cPaths.count } ?? 0
}

@c @implementation
public func wir_claim_path(_ claim: OpaquePointer?, _ index: Int) -> UnsafePointer<CChar>? {
    guard let claim else { return nil }
    let paths = ClaimHandle.borrow(claim).cPaths
    return paths.indices.contains(index) ? paths[index] : nil
}

@c @implementation
public func wir_claim_conflict_count(_ claim: OpaquePointer?) -> Int {
    claim.map { ClaimHandle.borrow($0).conflicts.count } ?? 0
}

@c @implementation
public func wir_claim_conflict_total(_ claim: OpaquePointer?) -> Int {
    claim.map { ClaimHandle.borrow($0).conflictTotal } ?? 0
}

@c @implementation
public func wir_claim_conflict(_ claim: OpaquePointer?, _ index: Int) -> UnsafePointer<wir_conflict>? {
    guard let claim else { return nil }
    let conflicts = ClaimHandle.borrow(claim).conflicts
    guard conflicts.indices.contains(index), let base = conflicts.baseAddress else { return nil }
    return UnsafePointer(base + index)
}
