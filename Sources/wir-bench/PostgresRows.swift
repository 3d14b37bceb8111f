#if canImport(Glibc)
import Glibc
#endif
import CLibPQ
import CLibPQLoader
import CWir
import WirPostgres

// The PostgreSQL rows of wir-bench, when WIR_BENCH_POSTGRES holds a server URL
// (make bench starts a throw-away server on 127.0.0.1 for them), or alone with
// `wir-bench --postgres URL`. Each run uses a schema of its own, dropped at the end.
//
// Each row is measured twice in the same run: with pipelining (the library's
// default: a call's statements in as few round trips as its reads need) and
// without (one round trip per statement, as with a libpq older than 14), the
// before and after of #16.

/// Round trips per call, claim+release latency through the C API on one client, then
/// claims/s with 1, 2 and 4 client processes on disjoint paths, and 4 on one shared
/// path under the queue policy; each with and without pipelining.
func postgresRows(_ url: String, rounds: Int, perRound: Int, seconds: Double) {
    let schema = "wir_bench_\(getpid())"
    let location = url + (url.contains("?") ? "&" : "?") + "wir_schema=" + schema
    let reg = openRegistry(location)
    let one = cStrings(["/wir-bench/pg/work/state.json"])
    print("PostgreSQL (\(url.split(separator: "@").last.map(String.init) ?? "server")), "
          + "\(rounds) rounds x \(perRound) (µs)")
    let modes = [("", false), (", unpipelined", true)]
    var rows: [Row] = []
    // The lock's hold time per write transaction, per mode: (transactions, ns).
    var holds = [(0, 0), (0, 0)]
    for (index, (suffix, off)) in modes.enumerated() {
        PostgresPipelining.setDisabled(off)
        roundTripRow(reg, one, suffix)
        let row = Row("PostgreSQL 1 path, claim+release" + suffix) {
            PostgresPipelining.setDisabled(off)
            let before = PostgresRoundTrips.lockHolds
            let held = claim(reg, one)
            _ = wir_release(reg, held, WIR_OUTCOME_COMPLETED)
            wir_claim_free(held)
            let after = PostgresRoundTrips.lockHolds
            holds[index].0 += after.transactions - before.transactions
            holds[index].1 += after.ns - before.ns
        }
        row.run(perRound)                                  // warm: connection, prepared statements
        row.samples.removeAll()
        rows.append(row)
    }
    // The floor: one round trip of a prepared `SELECT 1` on a connection of its own, in libpq.
    var error = [CChar](repeating: 0, count: 256)
    let raw = pqloader_load(&error, error.count) == 0 ? PQconnectdb(url) : nil
    if let raw, PQstatus(raw) == CONNECTION_OK {
        PQclear(PQprepare(raw, "one", "SELECT 1", 0, nil))
        let row = Row("PostgreSQL one round trip (SELECT 1)") { PQclear(PQexecPrepared(raw, "one", 0, nil, nil, nil, 0)) }
        row.run(perRound)
        row.samples.removeAll()
        rows.append(row)
    }
    defer { if let raw { PQfinish(raw) } }
    holds = [(0, 0), (0, 0)]
    for _ in 0..<rounds { for row in rows { row.run(perRound) } }
    PostgresPipelining.setDisabled(false)
    for row in rows {
        print(pad(row.name, 46) + pad(fixed(row.percentile(0.5)), 10) + pad(fixed(row.percentile(0.99)), 10))
        record(row.name, [("median_us", row.percentile(0.5)), ("p99_us", row.percentile(0.99))])
    }
    if let raw { cpuRows(reg, raw, one, schema, pairs: rounds * perRound, modes) }
    for (hold, (suffix, _)) in zip(holds, modes) {
        let meanUs = Double(hold.1) / 1000 / Double(max(1, hold.0))
        print(pad("PostgreSQL lock held per write" + suffix, 46) + fixed(meanUs) + " µs (mean; bounds claims/s at "
              + "\(Int(1e6 / (2 * max(1, meanUs)))) per registry)")
        record("PostgreSQL lock held per write" + suffix, [("mean_us", meanUs)])
    }
    wir_close(reg)

    for (suffix, off) in modes {
        for (mode, processes) in [("disjoint", 1), ("disjoint", 2), ("disjoint", 4), ("shared", 4)] {
            let rate = contend(location, mode, processes, seconds, unpipelined: off)
            let name = "PostgreSQL \(mode), \(processes) client\(processes == 1 ? "" : "s")\(suffix)"
            print(pad(name, 46) + "\(Int(rate)) claims/s")
            record(name, [("claims_per_second", rate)])
        }
    }
    dropSchema(url, schema)
}

/// CPU time per claim+release, in this process and in the server process serving its
/// registry handle (read from /proc: a server on this machine, readable by this user),
/// and what that allows on this machine's cores whatever the locking.
private func cpuRows(_ reg: OpaquePointer, _ raw: OpaquePointer, _ paths: [UnsafePointer<CChar>?], _ schema: String,
                     pairs: Int, _ modes: [(String, Bool)]) {
    let name = "wir[\(getpid())] \(schema)"                       // PostgresConnection.sessionName
    let backend = name.withCString { value -> Int32? in
        var values: [UnsafePointer<CChar>?] = [value]
        PQclear(PQprepare(raw, "backend", "SELECT pid FROM pg_stat_activity WHERE application_name = $1", 1, nil))
        guard let result = PQexecPrepared(raw, "backend", 1, &values, nil, nil, 0) else { return nil }
        defer { PQclear(result) }
        return PQntuples(result) == 1 ? Int32(String(cString: PQgetvalue(result, 0, 0))) : nil
    }
    guard let backend, cpuUs(backend) != nil else { return }
    let cores = Double(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    for (suffix, off) in modes {
        PostgresPipelining.setDisabled(off)
        let (client, server) = (cpuUs(getpid()) ?? 0, cpuUs(backend) ?? 0)
        for _ in 0..<pairs {
            let held = claim(reg, paths)
            _ = wir_release(reg, held, WIR_OUTCOME_COMPLETED)
            wir_claim_free(held)
        }
        let perClient = ((cpuUs(getpid()) ?? 0) - client) / Double(pairs)
        let perServer = ((cpuUs(backend) ?? 0) - server) / Double(pairs)
        print(pad("PostgreSQL CPU per claim+release" + suffix, 46) + "client \(fixed(perClient)) µs, server "
              + "\(fixed(perServer)) µs (\(Int(cores)) cores: at most \(Int(cores * 1e6 / (perClient + perServer))) claims/s)")
        record("PostgreSQL CPU per claim+release" + suffix, [("client_us", perClient), ("server_us", perServer)])
    }
    PostgresPipelining.setDisabled(false)
}

/// User and system CPU time of process `pid` so far, in µs (nil: not readable).
private func cpuUs(_ pid: Int32) -> Double? {
    guard let file = fopen("/proc/\(pid)/stat", "r") else { return nil }
    defer { fclose(file) }
    var buffer = [CChar](repeating: 0, count: 1024)
    guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
    let line = String(cString: buffer)
    // Fields after the command's closing parenthesis: state is field 3, utime 14, stime 15.
    guard let close = line.lastIndex(of: ")") else { return nil }
    let fields = line[line.index(after: close)...].split(separator: " ")
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
    return (user + system) * 1e6 / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// The round trips one claim, heartbeat and release make (after a first call
/// that prepared their statements), counted by the library.
private func roundTripRow(_ reg: OpaquePointer, _ paths: [UnsafePointer<CChar>?], _ suffix: String) {
    func counted(_ body: () -> Void) -> Int {
        let before = PostgresRoundTrips.count
        body()
        return PostgresRoundTrips.count - before
    }
    var counts = (claim: 0, heartbeat: 0, release: 0)
    for _ in 0..<2 {                                       // the second pass is the one kept
        var held: OpaquePointer?
        counts.claim = counted { held = claim(reg, paths) }
        counts.heartbeat = counted { _ = wir_heartbeat(reg, held, 0) }
        counts.release = counted { _ = wir_release(reg, held, WIR_OUTCOME_COMPLETED) }
        wir_claim_free(held)
    }
    print(pad("PostgreSQL round trips" + suffix, 46) + "claim \(counts.claim), heartbeat \(counts.heartbeat), "
          + "release \(counts.release) (target: claim+release <= 4)")
    record("PostgreSQL round trips" + suffix, [("claim", Double(counts.claim)), ("heartbeat", Double(counts.heartbeat)),
                                               ("release", Double(counts.release))])
}

/// Claims/s of `processes` contenders (`--contender`) for `seconds`.
private func contend(_ location: String, _ mode: String, _ processes: Int, _ seconds: Double,
                     unpipelined: Bool) -> Double {
    if unpipelined { setenv("WIR_PG_PIPELINE", "0", 1) }           // read by the library in the contender
    defer { unsetenv("WIR_PG_PIPELINE") }
    let start = nowNs() + 300_000_000
    let children = (0..<processes).map {
        spawnSelf(["--contender", location, mode, "\($0)", "\(start)", "\(seconds)"], pipes: true)
    }
    var count = 0
    for child in children {
        count += Int((readLine(child.output) ?? "0").split(separator: " ").first ?? "0") ?? 0
        waitFor(child.pid)
    }
    return Double(count) / seconds
}

/// Drops the benchmark's schema (its name is made here from the pid, never from input).
private func dropSchema(_ url: String, _ schema: String) {
    var error = [CChar](repeating: 0, count: 256)
    guard pqloader_load(&error, error.count) == 0, let conn = PQconnectdb(url) else { return }
    defer { PQfinish(conn) }
    guard PQstatus(conn) == CONNECTION_OK else { return }
    PQclear(PQexec(conn, "SET client_min_messages = warning"))
    // The name goes in as a bound value; the server quotes it (%I) into the statement.
    let quoted = schema.withCString { name -> String? in
        var values: [UnsafePointer<CChar>?] = [name]
        PQclear(PQprepare(conn, "drop_schema", "SELECT format('DROP SCHEMA IF EXISTS %I CASCADE', $1::text)", 1, nil))
        guard let result = PQexecPrepared(conn, "drop_schema", 1, &values, nil, nil, 0) else { return nil }
        defer { PQclear(result) }
        return PQntuples(result) == 1 ? String(cString: PQgetvalue(result, 0, 0)) : nil
    }
    if let quoted { PQclear(PQexec(conn, quoted)) }
}
