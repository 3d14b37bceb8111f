#if canImport(Glibc)
import Glibc
#endif
import CWir
import WirEngine
import WirRegistry

// Registry handles, versions and error text. Each export is a thin thunk:
// convert C values, call WirRegistry, map errors in Status.run.

@c @implementation
public func wir_version_number() -> Int32 {
    WIR_VERSION_MAJOR * 1_000_000 + WIR_VERSION_MINOR * 1_000 + WIR_VERSION_PATCH
}

nonisolated(unsafe) private let versionString: UnsafePointer<CChar> = {
    UnsafePointer(strdup("\(WIR_VERSION_MAJOR).\(WIR_VERSION_MINOR).\(WIR_VERSION_PATCH)")!)
}()

@c @implementation
public func wir_version() -> UnsafePointer<CChar>? { versionString }

@c @implementation
public func wir_errmsg() -> UnsafePointer<CChar>? {
    ThreadMessage.current() ?? CStrings.forever("not an error")
}

@c @implementation
public func wir_errstr(_ status: Int32) -> UnsafePointer<CChar>? {
    switch status {
    case WIR_OK: return CStrings.forever("not an error")
    case WIR_EINVAL: return CStrings.forever("invalid argument")
    case WIR_ENOMEM: return CStrings.forever("out of memory")
    case WIR_ECONFLICT: return CStrings.forever("claim conflicts with another task's claim")
    case WIR_ETIMEDOUT: return CStrings.forever("timed out waiting for a claim")
    case WIR_ELOST: return CStrings.forever("claim no longer held (released, expired or reaped)")
    case WIR_EKEY: return CStrings.forever("wrong claim key")
    case WIR_ENOTFOUND: return CStrings.forever("no such task in flight")
    case WIR_EEXIST: return CStrings.forever("task id in flight under another owner")
    case WIR_ESTALE: return CStrings.forever("fencing token does not hold the path")
    case WIR_EBUSY: return CStrings.forever("registry locked by another process")
    case WIR_EIO: return CStrings.forever("registry file cannot be opened, read or written")
    case WIR_ECORRUPT: return CStrings.forever("registry file is not a database or is damaged")
    case WIR_ESCHEMA: return CStrings.forever("not a wir registry, or written by a newer wir")
    case WIR_EPATH: return CStrings.forever("path cannot be resolved")
    case WIR_EFORK: return CStrings.forever("registry handle used after fork")
    case WIR_ENOTSUP: return CStrings.forever("not supported by this version of wir")
    case WIR_EINTERNAL: return CStrings.forever("internal error in wir")
    case WIR_ECANCELED: return CStrings.forever("queued claim cancelled")
    case WIR_EDEADLK: return CStrings.forever("queued claim would wait on a process above the caller")
    default: return CStrings.forever("unknown status code")
    }
}

@c @implementation
public func wir_open(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ path: UnsafePointer<CChar>?) -> Int32 {
    out?.pointee = nil
    return Status.run {
        guard let out else { throw Status.invalid("wir_open: out is NULL") }
        let file = try CStrings.readOptional(path, "the registry path")
        out.pointee = RegistryHandle(try Registry(path: file)).opaque
        return WIR_OK
    }
}

@c @implementation
public func wir_close(_ reg: OpaquePointer?) {
    guard let reg else { return }
    RegistryHandle.release(reg)
}

@c @implementation
public func wir_registry_path(_ reg: OpaquePointer?) -> UnsafePointer<CChar>? {
    (try? RegistryHandle.from(reg))?.path
}

@c @implementation
public func wir_reap(_ out: UnsafeMutablePointer<Int>?, _ reg: OpaquePointer?) -> Int32 {
    Status.run {
        let handle = try RegistryHandle.from(reg)
        let reaped = try handle.registry.reap()
        out?.pointee = reaped.count
        return WIR_OK
    }
}

@c @implementation
public func wir_token_check(_ reg: OpaquePointer?, _ path: UnsafePointer<CChar>?, _ token: UInt64) -> Int32 {
    Status.run {
        let handle = try RegistryHandle.from(reg)
        let file = try CStrings.read(path, "the path")
        guard token <= UInt64(Int64.max),
              try handle.registry.tokenHolds(Int64(token), path: file) else {
            return Status.report(WIR_ESTALE, "token \(token) does not hold '\(file)'")
        }
        return WIR_OK
    }
}

@c @implementation
public func wir_config_get(_ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ reg: OpaquePointer?,
                           _ name: UnsafePointer<CChar>?) -> Int32 {
    out?.pointee = nil
    return Status.run {
        guard let out else { throw Status.invalid("wir_config_get: out is NULL") }
        let handle = try RegistryHandle.from(reg)
        let value = try handle.registry.setting(try CStrings.read(name, "the setting name"))
        return try give(value, to: out)
    }
}

@c @implementation
public func wir_config_set(_ reg: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ value: UnsafePointer<CChar>?) -> Int32 {
    Status.run {
        let handle = try RegistryHandle.from(reg)
        try handle.registry.setSetting(try CStrings.read(name, "the setting name"),
                                       to: try CStrings.read(value, "the setting value"))
        return WIR_OK
    }
}

@c @implementation
public func wir_free(_ memory: UnsafeMutableRawPointer?) {
    free(memory)
}

/// Hands `text` to the caller as a malloc'ed C string (freed with wir_free).
private func give(_ text: String, to out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) throws -> Int32 {
    guard let copy = strdup(text) else { throw WirError(.outOfMemory, "cannot allocate \(text.utf8.count) bytes") }
    out.pointee = copy
    return WIR_OK
}

/// The body of every `wir_*_json` export: checks `out` and the handle, then
/// hands over the JSON `listing` renders.
private func json(_ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ reg: OpaquePointer?, _ function: String,
                  _ listing: (Registry) throws -> String) -> Int32 {
    out?.pointee = nil
    return Status.run {
        guard let out else { throw Status.invalid("\(function): out is NULL") }
        return try give(try listing(try RegistryHandle.from(reg).registry), to: out)
    }
}

@c @implementation
public func wir_inflight_json(_ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ reg: OpaquePointer?) -> Int32 {
    json(out, reg, "wir_inflight_json") { registry in
        let (claims, waiters) = try registry.inFlight()
        return RegistryJSON.inFlight(claims: claims, waiters: waiters)
    }
}

@c @implementation
public func wir_who_json(_ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ reg: OpaquePointer?,
                         _ path: UnsafePointer<CChar>?) -> Int32 {
    json(out, reg, "wir_who_json") { registry in
        let (claims, waiters) = try registry.who(try CStrings.read(path, "the path"))
        return RegistryJSON.inFlight(claims: claims, waiters: waiters)
    }
}

@c @implementation
public func wir_log_json(_ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ reg: OpaquePointer?,
                         _ sinceMs: Int64, _ limit: Int) -> Int32 {
    json(out, reg, "wir_log_json") { RegistryJSON.conflictLog(try $0.conflictLog(sinceMs: sinceMs, limit: limit)) }
}

@c @implementation
public func wir_history_json(_ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ reg: OpaquePointer?,
                             _ sinceMs: Int64, _ limit: Int) -> Int32 {
    json(out, reg, "wir_history_json") { RegistryJSON.history(try $0.history(sinceMs: sinceMs, limit: limit)) }
}

@c @implementation
public func wir_prune(_ out: UnsafeMutablePointer<Int>?, _ reg: OpaquePointer?, _ beforeMs: Int64) -> Int32 {
    Status.run {
        let removed = try RegistryHandle.from(reg).registry.prune(beforeMs: beforeMs)
        out?.pointee = removed
        return WIR_OK
    }
}
