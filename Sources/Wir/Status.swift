#if canImport(Glibc)
import Glibc
#endif
import CWir
import WirEngine

/// The one place Swift errors become C statuses and per-thread messages.
enum Status {
    static func code(_ code: WirError.Code) -> Int32 {
        switch code {
        case .invalidArgument: return WIR_EINVAL
        case .outOfMemory: return WIR_ENOMEM
        case .conflict: return WIR_ECONFLICT
        case .timedOut: return WIR_ETIMEDOUT
        case .lost: return WIR_ELOST
        case .wrongKey: return WIR_EKEY
        case .notFound, .noRegistry: return WIR_ENOTFOUND
        case .taskInUse: return WIR_EEXIST
        case .staleToken: return WIR_ESTALE
        case .busy: return WIR_EBUSY
        case .io, .gone: return WIR_EIO
        case .corrupt: return WIR_ECORRUPT
        case .schema: return WIR_ESCHEMA
        case .unresolvablePath: return WIR_EPATH
        case .forked: return WIR_EFORK
        case .unsupported: return WIR_ENOTSUP
        case .internalError: return WIR_EINTERNAL
        case .cancelled: return WIR_ECANCELED
        case .deadlock: return WIR_EDEADLK
        }
    }

    /// Runs an export's body: WIR_OK (or the body's own status) on success;
    /// on a thrown error, records its message for wir_errmsg and returns its status.
    static func run(_ body: () throws -> Int32) -> Int32 {
        do {
            let status = try body()
            if status == WIR_OK { ThreadMessage.clear() }
            return status
        } catch let error as WirError {
            ThreadMessage.set(error.message)
            return code(error.code)
        } catch {
            ThreadMessage.set("unexpected error: \(error)")
            return WIR_EINTERNAL
        }
    }

    /// Records a message for a status that is not an error thrown (e.g. a conflict).
    static func report(_ status: Int32, _ message: String) -> Int32 {
        ThreadMessage.set(message)
        return status
    }

    static func invalid(_ message: String) -> WirError {
        WirError(.invalidArgument, message)
    }
}
