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
        let spec = try claimSpec(opts)
        let outcome = try handle.registry.claim(spec)
        switch outcome.result {
        case .admitted(let record, let paths):
            out.pointee = ClaimHandle(held: record, paths: paths).opaque
            return WIR_OK
        case .refused(let conflicts):
            out.pointee = ClaimHandle(refused: outcome.taskID, requested: outcome.requested,
                                      conflicts: conflicts).opaque
            let first = conflicts[0]
            return Status.report(WIR_ECONFLICT, "claim '\(outcome.taskID)' refused: '\(first.requestedPath)' "
                + "overlaps '\(first.heldPath)' held by task '\(first.holderTaskID)' (pid \(first.holderPID) "
                + "on \(first.holderHost))" + (conflicts.count > 1 ? " and \(conflicts.count - 1) more" : ""))
        }
    }
}

/// Reads and checks a wir_claim_opts.
private func claimSpec(_ pointer: UnsafePointer<wir_claim_opts>?) throws -> ClaimSpec {
    guard let options = pointer?.pointee else { throw Status.invalid("wir_claim: opts is NULL") }
    guard options.version == WIR_CLAIM_OPTS_VERSION else {
        throw Status.invalid("wir_claim_opts.version is \(options.version); initialise it with WIR_CLAIM_OPTS_INIT")
    }
    guard let writes = options.writes, options.n_writes > 0 else {
        throw Status.invalid("a claim needs at least one path to write (writes is NULL or n_writes is 0)")
    }
    guard options.n_writes <= maxWrites else {
        throw Status.invalid("n_writes is \(options.n_writes); at most \(maxWrites) paths per claim")
    }
    let paths = try (0..<options.n_writes).map {
        try CStrings.read(writes[$0], "writes[\($0)]", limit: PathResolver.maxPathBytes)
    }
    let policy: Policy?
    switch options.policy {
    case WIR_POLICY_DEFAULT: policy = nil
    case WIR_POLICY_REFUSE: policy = .refuse
    case WIR_POLICY_QUEUE: policy = .queue
    case WIR_POLICY_WARN: policy = .warn
    default: throw Status.invalid("unknown policy \(options.policy)")
    }
    guard options.timeout_ms >= -1 else { throw Status.invalid("timeout_ms \(options.timeout_ms) is below -1") }
    guard options.owner_pid >= 0, options.owner_pid <= Int64(Int32.max) else {
        throw Status.invalid("owner_pid \(options.owner_pid) is not a pid")
    }
    return ClaimSpec(
        taskID: try CStrings.readOptional(options.task_id, "the task id", limit: Limits.maxTaskIDBytes),
        writes: paths, ttlMs: options.ttl_ms, policy: policy, timeoutMs: options.timeout_ms,
        key: try CStrings.readOptional(options.key, "the key", limit: Limits.maxTaskIDBytes),
        ownerPID: options.owner_pid == 0 ? nil : Int32(options.owner_pid))
}

@c @implementation
public func wir_attach(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ reg: OpaquePointer?,
                       _ taskID: UnsafePointer<CChar>?, _ key: UnsafePointer<CChar>?) -> Int32 {
    out?.pointee = nil
    return Status.run {
        guard let out else { throw Status.invalid("wir_attach: out is NULL") }
        let handle = try RegistryHandle.from(reg)
        let task = try CStrings.read(taskID, "the task id", limit: Limits.maxTaskIDBytes)
        let secret = try CStrings.read(key, "the key", limit: Limits.maxTaskIDBytes)
        let (record, paths) = try handle.registry.attach(taskID: task, key: secret)
        out.pointee = ClaimHandle(held: record, paths: paths).opaque
        return WIR_OK
    }
}

@c @implementation
public func wir_heartbeat(_ reg: OpaquePointer?, _ claim: OpaquePointer?, _ ttlMs: Int64) -> Int32 {
    Status.run {
        let handle = try RegistryHandle.from(reg)
        let held = try ClaimHandle.from(claim)
        let record = try handle.registry.heartbeat(taskID: held.taskID, key: try held.heldKey(), ttlMs: ttlMs)
        held.expiresMs = record.expiresMs
        return WIR_OK
    }
}

@c @implementation
public func wir_release(_ reg: OpaquePointer?, _ claim: OpaquePointer?, _ outcome: Int32) -> Int32 {
    Status.run {
        let handle = try RegistryHandle.from(reg)
        let held = try ClaimHandle.from(claim)
        let reason: EndReason
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
public func wir_claim_conflict(_ claim: OpaquePointer?, _ index: Int) -> UnsafePointer<wir_conflict>? {
    guard let claim else { return nil }
    let conflicts = ClaimHandle.borrow(claim).conflicts
    guard conflicts.indices.contains(index), let base = conflicts.baseAddress else { return nil }
    return UnsafePointer(base + index)
}
