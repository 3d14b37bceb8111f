import Foundation
import Synchronization
import Testing
import WirEngine
@testable import WirHost
@testable import WirSQLite
@testable import WirRegistry

/// The helper executables built beside the test bundle.
enum BuiltProducts {
    static var directory: String {
        (try! FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") as NSString)
            .deletingLastPathComponent
    }
    static var probe: String { directory + "/wir-testprobe" }
}
