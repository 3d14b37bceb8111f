import Foundation
import Synchronization
import Testing
import WirEngine
@testable import WirHost
@testable import WirSQLite
@testable import WirRegistry

/// A fresh directory under the system temp dir, removed when the value dies.
final class TempDir {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "wir-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func file(_ name: String) -> String { path + "/" + name }
}
