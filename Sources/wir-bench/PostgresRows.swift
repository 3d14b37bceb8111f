#if canImport(Glibc)
import Glibc
#endif
import CLibPQ
import CLibPQLoader
import CWir

// The PostgreSQL rows of wir-bench, when WIR_BENCH_POSTGRES holds a server URL
// (make bench starts a throw-away server on 127.0.0.1 for them), or alone with
// `wir-bench --postgres URL`. Each run uses a schema of its own, dropped at the end.

/// Claim+release latency through the C API on one client, then claims/s with
/// 1 and 4 client processes (disjoint paths, and one shared path under the queue policy).
func postgresRows(_ url: String, rounds: Int, perRound: Int, seconds: Double) {
    let schema = "wir_bench_\(getpid())"
    let location = url + (url.contains("?") ? "&" : "?") + "wir_schema=" + schema
    let reg = openRegistry(location)
    let one = cStrings(["/wir-bench/pg/work/state.json"])
    let latency = Row("PostgreSQL 1 path, claim+release") {
        let held = claim(reg, one)
        _ = wir_release(reg, held, WIR_OUTCOME_COMPLETED)
        wir_claim_free(held)
    }
    latency.run(perRound)                                  // warm: connection, prepared statements
    latency.samples.removeAll()
    for _ in 0..<rounds { latency.run(perRound) }
    print("PostgreSQL (\(url.split(separator: "@").last.map(String.init) ?? "server")), "
          + "\(rounds) rounds x \(perRound) (µs)")
    print(pad(latency.name, 34) + pad(fixed(latency.percentile(0.5)), 10) + pad(fixed(latency.percentile(0.99)), 10))
    record(latency.name, [("median_us", latency.percentile(0.5)), ("p99_us", latency.percentile(0.99))])
    wir_close(reg)

    for (mode, processes) in [("disjoint", 1), ("disjoint", 4), ("shared", 4)] {
        let start = nowNs() + 300_000_000
        let children = (0..<processes).map {
            spawnSelf(["--contender", location, mode, "\($0)", "\(start)", "\(seconds)"], pipes: true)
        }
        var count = 0
        for child in children {
            count += Int((readLine(child.output) ?? "0").split(separator: " ").first ?? "0") ?? 0
            waitFor(child.pid)
        }
        let rate = Double(count) / seconds
        let name = "PostgreSQL \(mode), \(processes) client\(processes == 1 ? "" : "s")"
        print(pad(name, 34) + "\(Int(rate)) claims/s")
        record(name, [("claims_per_second", rate)])
    }
    dropSchema(url, schema)
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
