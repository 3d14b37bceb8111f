/// An error from any layer of wir, carrying the status the C API returns and a
/// message naming what was wrong (the argument, path, task or file).
public struct WirError: Error, Equatable, CustomStringConvertible {
    /// Each case maps to the C status of the same name (`WIR_E...` in wir.h).
    public enum Code: Sendable, Equatable {
        case invalidArgument   // WIR_EINVAL
        case outOfMemory       // WIR_ENOMEM
        case conflict          // WIR_ECONFLICT
        case timedOut          // WIR_ETIMEDOUT
        case lost              // WIR_ELOST
        case wrongKey          // WIR_EKEY
        case notFound          // WIR_ENOTFOUND
        case taskInUse         // WIR_EEXIST
        case staleToken        // WIR_ESTALE
        case busy              // WIR_EBUSY
        case io                // WIR_EIO
        case corrupt           // WIR_ECORRUPT
        case schema            // WIR_ESCHEMA
        case unresolvablePath  // WIR_EPATH
        case forked            // WIR_EFORK
        case unsupported       // WIR_ENOTSUP
        case internalError     // WIR_EINTERNAL
        case cancelled         // WIR_ECANCELED
        case deadlock          // WIR_EDEADLK
        case gone              // WIR_EIO: the registry file was deleted or replaced while open
        case noRegistry        // WIR_ENOTFOUND: no registry at the location, opened without creating one
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
