import Foundation
import Testing
import WirEngine
@testable import WirPostgres

/// A stuck server, made on purpose: stops (SIGSTOP) the server processes that
/// serve one client process's sessions (`wir[PID] ...` in `pg_stat_activity`),
/// and continues them (SIGCONT) when told or when the value goes away, whatever
/// the test found. A stopped process enforces none of the server's timeouts
/// (statement, lock, idle-in-transaction) and its kernel still acknowledges
/// every packet, so only the client's own deadlines can notice it.
final class StoppedBackends {
    private let monitor: PostgresConnection
    private(set) var stopped: [Int32] = []

    /// Whether this test run may stop the server's processes: the server runs
    /// on this machine, as a user this process may signal (root, or its own).
    static let possible: Bool = {
        guard let url = PostgresTestServer.url,
              let connection = try? PostgresConnection(location: PostgresLocation(url)) else { return false }
        return kill(connection.backendPID, 0) == 0
    }()

    init(monitoring url: String) throws {
        monitor = try PostgresConnection(location: PostgresLocation(url))
    }

    /// The server processes serving `client`'s sessions, with each one's state
    /// (`idle`, `active`, `idle in transaction`...).
    func sessions(of client: Int32) throws -> [(pid: Int32, state: String, name: String)] {
        try monitor.query("""
            SELECT pid, coalesce(state, ''), application_name FROM pg_stat_activity
            WHERE starts_with(application_name, $1) ORDER BY pid
            """, ["wir[\(client)] "]).rows.map { (Int32($0.int64(0)), $0.text(1), $0.text(2)) }
    }

    /// Stops every session of `client` (those whose name contains `purpose`, if
    /// given), waiting up to 30 s for one to appear. Returns the stopped pids.
    @discardableResult
    func stopSessions(of client: Int32, purpose: String? = nil) throws -> [Int32] {
        let giveUp = Date().addingTimeInterval(30)
        var targets: [Int32] = []
        while targets.isEmpty {
            targets = try sessions(of: client).filter { purpose == nil || $0.name.contains(" \(purpose!) ") }.map(\.pid)
            guard targets.isEmpty else { break }
            guard Date() < giveUp else { throw WirError(.notFound, "process \(client) has no session on the server") }
            usleep(10_000)
        }
        try targets.forEach(stop)
        return targets
    }

    /// Stops the server process `backend` while it is idle: between
    /// transactions, so that it holds no lock that would stop every other
    /// client too.
    func stop(_ backend: Int32) throws {
        for _ in 0..<2000 {
            kill(backend, SIGSTOP)
            stopped.append(backend)
            let state = try monitor.query("SELECT state FROM pg_stat_activity WHERE pid = $1", [String(backend)])
                .first?.text(0)
            if state == "idle" { return }
            kill(backend, SIGCONT)
            stopped.removeLast()
            usleep(3_000)
        }
        throw WirError(.busy, "server process \(backend) is never idle")
    }

    /// Lets every stopped process run again.
    func continueAll() {
        stopped.forEach { kill($0, SIGCONT) }
        stopped = []
    }

    deinit { continueAll() }
}
