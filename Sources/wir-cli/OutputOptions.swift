import ArgumentParser

/// `--json`, on every listing.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON (schema: docs/json.md) instead of a table.")
    var json = false
}
