#if canImport(Glibc)
import Glibc
#endif
import CLibPQ
import WirEngine
import WirHost
import WirStorage

/// Several statements in one round trip: libpq's pipeline mode sends them
/// all, then a Sync, and the server runs them in order; after one fails, the
/// rest are skipped (PGRES_PIPELINE_ABORTED). Statements prepared for the
/// first time are prepared in the same pipeline. The round trip keeps the
/// deadline of `roundTrip` (non-blocking sends, `poll` for the answers); a
/// connection that misses it is closed.
///
/// Not thread-safe, as the connection.
extension PostgresConnection {
    /// Runs `statements` in order and returns each one's rows; throws the first
    /// failure (the statements after it were not run). One round trip when
    /// pipelining is enabled (`PostgresPipelining`), else one per statement.
    func pipeline(_ statements: [PostgresStatement]) throws -> [PostgresRows] {
        guard statements.count > 1, PostgresPipelining.isEnabled else { return try statements.map(run) }
        guard let conn, PQenterPipelineMode(conn) == 1 else {
            throw WirError(.io, "PostgreSQL registry '\(location.redacted)': " + Self.connectionMessage(conn, location)
                           + " (during: \(Self.brief(statements[0].sql)))")
        }
        defer { leavePipelineMode() }
        let limit = PostgresTimeout.deadline(timeoutMs).earlier(than: callDeadline)
        // What each command sent answers: a statement's rows, or a new prepared statement's name.
        var commands: [(sql: String, preparing: String?)] = []
        var preparing: [String: String] = [:]
        for statement in statements {
            if !statement.unprepared, prepared[statement.sql] == nil, preparing[statement.sql] == nil {
                let name = newStatementName()
                try send(statement.sql) {
                    PQsendPrepare($0, name, statement.sql, Int32(statement.parameters.count), nil)
                }
                preparing[statement.sql] = name
                commands.append((statement.sql, name))
            }
            let name = prepared[statement.sql] ?? preparing[statement.sql]
            try Self.withOptionalCStrings(statement.parameters) { values in
                try send(statement.sql) { conn in
                    if statement.unprepared {
                        return PQsendQueryParams(conn, statement.sql, Int32(values.count), nil, values, nil, nil, 0)
                    }
                    return PQsendQueryPrepared(conn, name, Int32(values.count), values, nil, nil, 0)
                }
            }
            commands.append((statement.sql, nil))
        }
        try send(statements[0].sql) { PQpipelineSync($0) }
        PostgresRoundTrips.add()
        roundTrips += 1
        try flush(conn, statements[0].sql, limit)
        var rows: [PostgresRows] = []
        var failure: (any Error)?
        for command in commands {
            let result = try nextCommandResult(conn, command.sql, limit)
            if let name = command.preparing {
                if let result, PQresultStatus(result) == PGRES_COMMAND_OK { prepared[command.sql] = name }
                if let result, PQresultStatus(result) == PGRES_FATAL_ERROR, failure == nil {
                    do { try check(result, doing: command.sql) } catch { failure = error }
                } else if let result { PQclear(result) }
                continue
            }
            guard failure == nil else { if let result { PQclear(result) }; continue }
            do { rows.append(try check(result, doing: command.sql)) } catch { failure = error }
        }
        try readSync(conn, statements[0].sql, limit)
        if let failure { throw failure }
        return rows
    }

    /// One statement alone, in its own round trip.
    private func run(_ statement: PostgresStatement) throws -> PostgresRows {
        if statement.unprepared {
            return try Self.withOptionalCStrings(statement.parameters) { values in
                try check(roundTrip(statement.sql) {
                    PQsendQueryParams($0, statement.sql, Int32(values.count), nil, values, nil, nil, 0)
                }, doing: statement.sql)
            }
        }
        return try query(statement.sql, statement.parameters)
    }

    /// Queues one command; a refusal (the connection broke) closes the connection.
    private func send(_ sql: String, _ command: (OpaquePointer) -> Int32) throws {
        guard let conn, command(conn) == 1 else { throw lost(sql) }
    }

    /// Sends what libpq still holds, within `limit`.
    private func flush(_ conn: OpaquePointer, _ sql: String, _ limit: Deadline) throws {
        var flushed = PQflush(conn)
        while flushed == 1 {
            guard waitForSocket(Int16(POLLIN | POLLOUT), until: limit) else { throw timedOut(sql, limit) }
            guard PQconsumeInput(conn) == 1 else { break }
            flushed = PQflush(conn)
        }
    }

    /// The next result, waiting for it within `limit`; nil at the end of a command's results.
    private func nextResult(_ conn: OpaquePointer, _ sql: String, _ limit: Deadline) throws -> OpaquePointer? {
        while PQisBusy(conn) == 1 {
            guard waitForSocket(Int16(POLLIN), until: limit) else { throw timedOut(sql, limit) }
            if PQconsumeInput(conn) == 0 { break }
        }
        if PQisBusy(conn) == 1 && PQstatus(conn) != CONNECTION_BAD {
            let message = Self.connectionMessage(conn, location)
            close()
            throw WirError(.io, "PostgreSQL registry '\(location.redacted)': \(message) (during: \(Self.brief(sql))); "
                           + "the connection was closed (the next call opens a new one)")
        }
        return PQgetResult(conn)
    }

    /// A command's results up to the nil that ends them: the first error, else the last.
    private func nextCommandResult(_ conn: OpaquePointer, _ sql: String,
                                   _ limit: Deadline) throws -> OpaquePointer? {
        var kept: OpaquePointer?
        do {
            while let result = try nextResult(conn, sql, limit) {
                if PQresultStatus(result) == PGRES_PIPELINE_SYNC {       // the connection lost its place
                    PQclear(result)
                    throw lost(sql)
                }
                if let kept, PQresultStatus(kept) == PGRES_FATAL_ERROR {
                    PQclear(result)
                } else {
                    if let kept { PQclear(kept) }
                    kept = result
                }
            }
        } catch {
            if let kept { PQclear(kept) }
            throw error
        }
        return kept
    }

    /// Reads the Sync's result, which ends the pipeline.
    private func readSync(_ conn: OpaquePointer, _ sql: String, _ limit: Deadline) throws {
        guard let result = try nextResult(conn, sql, limit) else { throw lost(sql) }
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_PIPELINE_SYNC else { throw lost(sql) }
    }

    /// The connection broke (a command could not be queued, or the answers did not come
    /// in the order sent): it is closed.
    private func lost(_ sql: String) -> WirError {
        let message = Self.connectionMessage(conn, location)
        close()
        return WirError(.io, "PostgreSQL registry '\(location.redacted)': \(message) (during: \(Self.brief(sql))); "
                        + "the connection to the server was lost (the next call reconnects)")
    }

    /// Back to one statement at a time; a connection that cannot leave pipeline mode is closed.
    private func leavePipelineMode() {
        if let conn, PQexitPipelineMode(conn) != 1 { close() }
    }
}
