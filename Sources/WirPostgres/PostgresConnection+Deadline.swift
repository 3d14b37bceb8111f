#if canImport(Glibc)
import Glibc
#endif
import CLibPQ
import WirEngine
import WirHost
import WirStorage

/// Talking to the server without ever blocking in libpq: the connection is
/// made with `PQconnectStartParams`/`PQconnectPoll`, each statement is sent
/// with `PQsend*` in non-blocking mode, and the answer is read with
/// `PQconsumeInput` once `poll()` on the socket says it is readable, all
/// against a deadline. At the deadline the connection is closed, not
/// cancelled: libpq's cancel request (`PQcancel`) would itself wait on the
/// server without a deadline. A server process that runs again finds its
/// client gone and rolls back what it was doing.
///
/// Not thread-safe, as the connection.
extension PostgresConnection {
    /// Connects with libpq's non-blocking calls; closes the connection and throws
    /// `.io` if that fails or has not finished by `deadline`. (Resolving a host
    /// name is left to the system's resolver and its own timeouts.)
    func connect(until deadline: Deadline) throws {
        let (keywords, values) = connectionParameters
        let started = try Self.withCStrings(keywords) { keys in
            try Self.withCStrings(values) { vals in
                guard let conn = PQconnectStartParams(keys + [nil], vals + [nil], 1) else {
                    throw WirError(.outOfMemory, "cannot allocate a PostgreSQL connection")
                }
                return conn
            }
        }
        conn = started
        PQsetNoticeProcessor(started, { _, _ in }, nil)
        var polling = PGRES_POLLING_WRITING
        while polling != PGRES_POLLING_OK {
            guard polling != PGRES_POLLING_FAILED, PQstatus(started) != CONNECTION_BAD else {
                let message = Self.connectionMessage(started, location)
                close()
                throw WirError(.io, "cannot connect to PostgreSQL registry '\(location.redacted)': \(message)")
            }
            let events = polling == PGRES_POLLING_READING ? POLLIN : POLLOUT
            guard waitForSocket(Int16(events), until: deadline) else {
                close()
                throw WirError(.io, "cannot connect to PostgreSQL registry '\(location.redacted)': "
                               + "no answer \(deadline.reason)")
            }
            polling = PQconnectPoll(started)
        }
        guard PQsetnonblocking(started, 1) == 0 else {
            let message = Self.connectionMessage(started, location)
            close()
            throw WirError(.io, "cannot connect to PostgreSQL registry '\(location.redacted)': \(message)")
        }
    }

    /// Sends one request (`send` returns libpq's status: 1 when queued) and
    /// collects its results; returns the first error result, else the last
    /// result, nil if it could not be sent (the caller turns either into rows
    /// or an error). Closes the connection and throws `.io` naming the deadline
    /// if the answer has not come by the round trip's deadline: `deadline` (else
    /// `timeoutMs` from now), or the call's deadline if sooner.
    func roundTrip(_ sql: String, _ deadline: Deadline? = nil,
                   _ send: (OpaquePointer) -> Int32) throws -> OpaquePointer? {
        guard let conn else { return nil }
        let limit = (deadline ?? PostgresTimeout.deadline(timeoutMs)).earlier(than: callDeadline)
        guard send(conn) == 1 else { return nil }
        PostgresRoundTrips.add()
        roundTrips += 1
        var flushed = PQflush(conn)
        while flushed == 1 {
            guard waitForSocket(Int16(POLLIN | POLLOUT), until: limit) else { throw timedOut(sql, limit) }
            guard PQconsumeInput(conn) == 1 else { break }
            flushed = PQflush(conn)
        }
        var kept: OpaquePointer?
        while true {
            while PQisBusy(conn) == 1 {
                guard waitForSocket(Int16(POLLIN), until: limit) else {
                    if let kept { PQclear(kept) }
                    throw timedOut(sql, limit)
                }
                if PQconsumeInput(conn) == 0 { break }
            }
            // A connection that broke (libpq dropped its socket) answers at once with an error;
            // one that is still open but could not be read would make PQgetResult wait.
            if PQisBusy(conn) == 1 && PQstatus(conn) != CONNECTION_BAD {
                if let kept { PQclear(kept) }
                let message = Self.connectionMessage(conn, location)
                close()
                throw WirError(.io, "PostgreSQL registry '\(location.redacted)': \(message) (during: \(Self.brief(sql))); "
                               + "the connection was closed (the next call opens a new one)")
            }
            guard let result = PQgetResult(conn) else { break }
            if let kept, PQresultStatus(kept) == PGRES_FATAL_ERROR {
                PQclear(result)                                   // the first error is the one to report
            } else {
                if let kept { PQclear(kept) }
                kept = result
            }
        }
        return kept
    }

    /// Waits until the socket is ready for `events` (or in error), or `deadline`
    /// passes; false when it passed first. A closed socket is "ready": libpq
    /// then reports why.
    func waitForSocket(_ events: Int16, until deadline: Deadline) -> Bool {
        while true {
            let remaining = deadline.atMs - MonotonicClock.bootMs()
            guard remaining > 0 else { return false }
            let descriptor = socket
            guard descriptor >= 0 else { return true }
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&entry, 1, Int32(clamping: remaining))
            if ready > 0 || (ready < 0 && errno != EINTR) { return true }
        }
    }

    /// Closes the connection that missed `deadline` and says so.
    func timedOut(_ sql: String, _ deadline: Deadline) -> WirError {
        close()
        return WirError(.io, "PostgreSQL registry '\(location.redacted)': no answer \(deadline.reason) "
                        + "(during: \(Self.brief(sql))); the connection was closed (the next call opens a new one)")
    }
}
