// Issue #16, targets 3 and 6: wir's claim+release beside the same statements run by
// hand in C (CSameStatements), what each runs (statements, WAL frames), and fairness
// among processes on disjoint paths.
#if canImport(Glibc)
import Glibc
#endif
import CSameStatements
import CWir

/// A file `components` components deep (made, with its directories) under `dir`,
/// canonical (its directory resolved by `realpath`), for claims that walk a real path.
func deepFile(under dir: String, components: Int) -> String {
    guard let resolved = realpath(dir, nil) else { fatal("realpath \(dir)") }
    var path = String(cString: resolved)
    free(resolved)
    path += "/wir-bench-\(getpid())-deep"
    mkdir(path, 0o700)
    var depth = path.split(separator: "/").count
    while depth < components - 1 {
        path += "/d\(depth + 1)"
        mkdir(path, 0o700)
        depth += 1
    }
    path += "/state.json"
    close(open(path, O_WRONLY | O_CREAT, 0o600))
    return path
}

/// Removes what `deepFile` made.
func removeDeepFile(_ path: String) {
    var current = path
    unlink(current)
    while let slash = current.lastIndex(of: "/"), current[..<slash].contains("wir-bench-\(getpid())-deep") {
        current = String(current[..<slash])
        rmdir(current)
    }
}

/// The rows of targets 3 and 6: "same statements in C" and wir on the same 8-deep path
/// (each on a registry with 10 live claims of other tasks), the ratio lines, and the
/// statement and WAL-frame counts.
final class SameStatementsRows {
    static let depth = 8
    let deepPath: String
    let cRegistry: String
    let cProgram: OpaquePointer
    let deep: [UnsafePointer<CChar>?]
    let same: Row
    let wirDeep: Row

    /// `wirRegistry` is an open registry with 10 live claims; `file` names scratch files.
    init(wirRegistry: OpaquePointer, dir: String, file: (String) -> String) {
        deepPath = deepFile(under: dir, components: Self.depth)
        deep = cStrings([deepPath])
        cRegistry = file("same.db")
        wir_close(populated(cRegistry, live: 10))          // wir's schema and 10 live claims, then C alone
        guard let program = same_statements_open(cRegistry, deepPath) else { fatal("same_statements_open \(cRegistry)") }
        cProgram = program
        same = Row("same statements in C, \(Self.depth) deep") {
            guard same_statements_claim_release(program) == 0 else { fatal("same statements: claim+release failed") }
        }
        wirDeep = Row("wir 1 path, \(Self.depth) deep", claimRelease(wirRegistry, deep))
    }

    var rows: [Row] { [same, wirDeep] }

    /// Ratio lines with their targets: wir / same statements ≤ 1.15.
    func printRatios() {
        let ratio = wirDeep.percentile(0.5) / same.percentile(0.5)
        print("ratio wir 1 path / same statements in C (\(Self.depth) deep): \(fixed(ratio))  "
              + "(target <= 1.15: \(ratio <= 1.15 ? "met" : "missed"))")
        record("ratio wir / same statements in C", [("ratio", ratio)])
    }

    /// Statements run (BEGIN and COMMIT included) and WAL frames written per claim+release,
    /// counted over `pairs` pairs from an emptied log.
    static func count(_ name: String, registry: String, pairs: Int, _ action: () -> Void) {
        guard wal_frames(registry, 1) == 0 else { fatal("cannot empty the WAL of \(registry)") }
        let before = statements_run()
        for _ in 0..<pairs { action() }
        let statements = Double(statements_run() - before) / Double(pairs)
        let frames = Double(wal_frames(registry, 0)) / Double(pairs)
        print(pad(name, 34) + pad(fixed(statements), 12) + fixed(frames))
        record("counts " + name, [("statements", statements), ("wal_frames", frames)])
    }

    /// The counts of wir and the C program on the 8-deep path, and of wir on 64 paths.
    func printCounts(wirRegistry: OpaquePointer, wirRegistryPath: String, sixtyFour: [UnsafePointer<CChar>?]) {
        print("per claim+release: statements (BEGIN and COMMIT included), WAL frames")
        print(pad("case", 34) + pad("statements", 12) + "WAL frames")
        Self.count(same.name, registry: cRegistry, pairs: 50) { _ = same_statements_claim_release(cProgram) }
        Self.count(wirDeep.name, registry: wirRegistryPath, pairs: 50, claimRelease(wirRegistry, deep))
        Self.count("wir 64 paths", registry: wirRegistryPath, pairs: 10, claimRelease(wirRegistry, sixtyFour))
    }

    func close() {
        same_statements_close(cProgram)
        for suffix in ["", "-wal", "-shm"] { unlink(cRegistry + suffix) }
        removeDeepFile(deepPath)
    }
}

/// Target 6: 8 processes on disjoint paths, the longest single claim and the share.
func printFairnessTarget(maxWaitMs: Double, share: Double) {
    print("fairness, disjoint, 8 processes: longest claim \(fixed(maxWaitMs)) ms  (target <= 20: "
          + "\(maxWaitMs <= 20 ? "met" : "missed")), share \(fixed(share))  (target >= 0.80: "
          + "\(share >= 0.8 ? "met" : "missed"))")
}

/// --profile-deep REG N and --profile-same REG N: N claim+release of one path 8 deep,
/// by wir or by the C program, untimed (for callgrind).
func profileDeep(_ arguments: [String], byHand: Bool) -> Never {
    let count = Int(arguments[1]) ?? 1000
    let path = deepFile(under: "/tmp", components: SameStatementsRows.depth)
    if byHand {
        wir_close(openRegistry(arguments[0]))
        guard let program = same_statements_open(arguments[0], path) else { fatal("same_statements_open") }
        for _ in 0..<count { _ = same_statements_claim_release(program) }
    } else {
        let pair = claimRelease(openRegistry(arguments[0]), cStrings([path]))
        for _ in 0..<count { pair() }
    }
    removeDeepFile(path)
    exit(0)
}
