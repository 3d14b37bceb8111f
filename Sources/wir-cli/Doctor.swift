import ArgumentParser
import WirRegistry

/// `wir doctor`: the registry's health.
struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the registry: location, schema version, SQLite or PostgreSQL version, integrity, counts.",
        discussion: "Exits 74 if the integrity check finds damage, or the registry holds schema objects wir did not "
            + "make (foreign_objects: a trigger, say; wir refuses such a registry until they are dropped); 66 if "
            + "there is no registry there (it creates none).")

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let reg = try registry.open(create: false)
        let report = try Failure.map { try reg.diagnose() }
        if output.json {
            print(RegistryJSON.object(report.map { ($0.name, $0.isNumber ? $0.value : RegistryJSON.string($0.value)) }))
        } else {
            Table.print(["CHECK", "VALUE"], report.map { [$0.name, $0.value] })
        }
        let damaged = report.contains { ($0.name == "integrity" && $0.value != "ok")
            || ($0.name == "foreign_objects" && $0.value != "none") }
        if damaged { throw ExitCode(Failure.ioError) }
    }
}
