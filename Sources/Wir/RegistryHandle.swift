import CWir
import WirHost
import WirRegistry

/// What a `wir_registry *` points to: a retained Registry, its path as a C
/// string, and the warn and wait callbacks.
final class RegistryHandle {
    let registry: Registry
    private var strings = OwnedCStrings()
    private(set) var path: UnsafePointer<CChar>? = nil
    private let callbackLock = Lock()
    private var warn: (wir_warn_fn, UnsafeMutableRawPointer?)?
    private var wait: (wir_wait_fn, UnsafeMutableRawPointer?)?

    func setWarnCallback(_ callback: wir_warn_fn?, _ payload: UnsafeMutableRawPointer?) {
        callbackLock.withLock { warn = callback.map { ($0, payload) } }
    }

    func warnCallback() -> (wir_warn_fn, UnsafeMutableRawPointer?)? {
        callbackLock.withLock { warn }
    }

    func setWaitCallback(_ callback: wir_wait_fn?, _ payload: UnsafeMutableRawPointer?) {
        callbackLock.withLock { wait = callback.map { ($0, payload) } }
    }

    func waitCallback() -> (wir_wait_fn, UnsafeMutableRawPointer?)? {
        callbackLock.withLock { wait }
    }

    init(_ registry: Registry) {
        self.registry = registry
        path = strings.make(registry.path)
    }

    deinit { strings.freeAll() }

    var opaque: OpaquePointer { OpaquePointer(Unmanaged.passRetained(self).toOpaque()) }

    static func from(_ pointer: OpaquePointer?) throws -> RegistryHandle {
        guard let pointer else { throw Status.invalid("the registry handle is NULL") }
        return Unmanaged<RegistryHandle>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }

    static func release(_ pointer: OpaquePointer) {
        Unmanaged<RegistryHandle>.fromOpaque(UnsafeRawPointer(pointer)).release()
    }
}
