#if canImport(Glibc)
import Glibc
#endif
import WirEngine

/// The calling thread's last error message, for wir_errmsg: one line, with
/// what could act on a terminal escaped (`TerminalText`), since messages name
/// tasks, hosts and paths from a shared registry and callers print them.
enum ThreadMessage {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { free($0) }
        return key
    }()

    static func set(_ message: String) {
        free(pthread_getspecific(key))
        pthread_setspecific(key, strdup(TerminalText.escaped(message)))
    }

    static func clear() {
        guard let old = pthread_getspecific(key) else { return }
        free(old)
        pthread_setspecific(key, nil)
    }

    static func current() -> UnsafePointer<CChar>? {
        pthread_getspecific(key).map { UnsafePointer($0.assumingMemoryBound(to: CChar.self)) }
    }
}
