// swift-tools-version:6.0
import PackageDescription

// The library itself needs only the Swift toolchain, the system libsqlite3 and libpq.
let package = Package(
    name: "wir",
    products: [
        .library(name: "wir", type: .dynamic, targets: ["Wir"]),
        .executable(name: "wir-bench", targets: ["wir-bench"]),
        // Installed as `wir` (a product cannot share the library's name).
        .executable(name: "wir-cli", targets: ["wir-cli"]),
    ],
    dependencies: [
        // The CLI only; the library itself depends on nothing but libsqlite3 and libpq.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Module maps over C headers: the public contract and the system SQLite.
        .systemLibrary(name: "CWir", path: "Sources/CWir"),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),
        // libpq's declarations (libpq-dev); its functions come from CLibPQLoader, which loads
        // libpq.so.5 when the first PostgreSQL registry is opened, so SQLite users never load it.
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ"),
        .target(name: "CLibPQLoader", linkerSettings: [.linkedLibrary("dl")]),

        // Pure conflict engine: paths, overlap rules, claim logic. No I/O.
        .target(name: "WirEngine"),
        // This machine: canonical paths on the file system, processes in /proc, the clock, a lock,
        // Landlock (through CLinux's system calls).
        .target(name: "WirHost", dependencies: ["WirEngine", "CLinux"]),
        // What both stores share and the registry asks of a store: row encodings, diagnostics,
        // the backend protocol (forced release, wake-ups, health) and the queue's channel.
        .target(name: "WirStorage", dependencies: ["WirEngine"]),
        // The SQLite store behind the engine's store protocol.
        .target(name: "WirSQLite", dependencies: ["WirEngine", "WirStorage", "WirHost", "CSQLite"]),
        // The PostgreSQL store, for registries shared by several hosts.
        .target(name: "WirPostgres", dependencies: ["WirEngine", "WirStorage", "WirHost", "CLibPQ", "CLibPQLoader"]),
        // The registry as Swift callers use it: engine + a store + the queue's waiting.
        .target(name: "WirRegistry", dependencies: ["WirEngine", "WirHost", "WirStorage", "WirSQLite", "WirPostgres",
                                                    "CLinux"]),
        // The C ABI (libwir.so): thin @c @implementation thunks over WirRegistry.
        .target(name: "Wir", dependencies: ["WirHost", "WirRegistry", "CWir"], exclude: ["exports.map"]),

        // Claim+release latency through the C API (make bench).
        .executableTarget(name: "wir-bench", dependencies: ["Wir", "CWir", "CSQLite", "CLibPQ", "CLibPQLoader",
                                                          "WirPostgres", "CSameStatements"]),
        // The bench's yardsticks in C on libsqlite3: wir's statements run by hand, and a statement counter.
        .target(name: "CSameStatements", linkerSettings: [.linkedLibrary("sqlite3"), .linkedLibrary("dl")]),
        // A brute-force glob matcher written without the automaton: the oracle of tests and fuzzing.
        .target(name: "WirOracle"),
        // Fuzz harnesses: libFuzzer with -sanitize=fuzzer -DFUZZING (make fuzz), a replayer otherwise.
        .executableTarget(name: "wir-fuzz", dependencies: ["Wir", "CWir", "WirHost", "WirRegistry", "WirOracle"]),
        // The `wir` command: run a task under a claim; see what is stomping what.
        .executableTarget(name: "wir-cli", dependencies: [
            "CWir", "CLinux", "WirHost", "WirRegistry", "WirSQLite", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Helper processes for the cross-process tests (claim and hold, race with a witness).
        .executableTarget(name: "wir-testprobe", dependencies: ["WirHost", "WirRegistry", "WirOracle"]),

        .testTarget(name: "WirTests",
                    dependencies: ["WirEngine", "WirHost", "WirStorage", "WirSQLite", "WirPostgres", "WirRegistry", "Wir", "CWir", "CSQLite",
                                   "wir-testprobe", "wir-cli", "WirOracle", "wir-fuzz"],
                    exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v6]
)
