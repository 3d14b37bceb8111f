/// Whether `wir run` confines its command to what its claim allows (Linux
/// Landlock; see docs/concepts.md, "Confined runs"), and what to do when the
/// kernel cannot enforce all of it.
public enum ConfineMode: String, Sendable, CaseIterable {
    /// Not confined: the claim is advisory.
    case off
    /// Confined, or not run at all: a kernel without Landlock, or without a
    /// right the rules need, fails before anything runs.
    case strict
    /// Confined as far as the kernel can; what it cannot enforce is said.
    case bestEffort = "best-effort"

    /// The mode called `name`: `off`, `strict` or `best-effort`, with `1` and
    /// `on` for strict and `0` for off (as `WIR_CONFINE=1` is written); throws
    /// `.invalidArgument` naming the choices.
    public init(named name: String) throws {
        switch name {
        case "1", "on": self = .strict
        case "0": self = .off
        default:
            guard let mode = ConfineMode(rawValue: name) else {
                throw WirError(.invalidArgument, "confine '\(name)' is not off, strict or best-effort")
            }
            self = mode
        }
    }
}
