import CLibPQLoader
import WirEngine

/// libpq, loaded on first use (see CLibPQLoader): a process that never opens
/// a PostgreSQL registry never loads it. Thread-safe.
enum PostgresLibrary {
    /// Loads libpq once per process; throws `.unsupported` saying why it cannot be loaded.
    static func load() throws {
        var message = [CChar](repeating: 0, count: 512)
        guard pqloader_load(&message, message.count) == 0 else {
            throw WirError(.unsupported, message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        }
    }
}
