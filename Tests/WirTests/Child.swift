import Foundation
import Synchronization
import Testing
import WirEngine
@testable import WirHost
@testable import WirSQLite
@testable import WirRegistry

/// A child process whose stdout can be read line by line.
final class Child {
    let process = Process()
    private let output = Pipe()

    /// Starts `executable` with this process's environment plus `environment`.
    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardOutput = output
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// SIGKILL, then wait. (SIGTERM from `Process.terminate()` may be blocked in
    /// children of the test runner.) A child still running when its Child
    /// value goes away is stopped the same way, so a failing test leaks none.
    func stop() {
        guard process.isRunning else { return }
        kill(pid, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }

    /// Reads one line of the child's output (blocking).
    /// Reads lines until one starts with `prefix` (at most 10); returns its
    /// fields, or records an issue and returns none.
    func expectLine(_ prefix: String) -> [Substring] {
        for _ in 0..<10 {
            let line = readLine()
            if line.hasPrefix(prefix) { return line.split(separator: " ") }
            if line.isEmpty { break }
        }
        Issue.record("no '\(prefix)' line from pid \(pid)")
        return []
    }

    func readLine() -> String {
        var bytes: [UInt8] = []
        while true {
            let chunk = output.fileHandleForReading.readData(ofLength: 1)
            guard let byte = chunk.first, byte != UInt8(ascii: "\n") else { break }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Waits for exit and returns the rest of the output.
    func finish() -> (status: Int32, output: String) {
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

extension Registry {
    /// Claims `file` for task "holder", owned by `sleeper` rather than by this
    /// process (a waiter may not queue for what its own ancestor holds); nil,
    /// with an issue recorded, if it is not admitted.
    func holder(of file: String, ownedBy sleeper: Child) throws -> ClaimRecord? {
        guard case .admitted(let held, _, _) = try claim(ClaimSpec(taskID: "holder", writes: [file],
                                                                   ownerPID: sleeper.pid)).result else {
            Issue.record("the holder was not admitted")
            return nil
        }
        return held
    }
}
