/// A registry-wide default by name, as C (`wir_config_get`, `wir_config_set`),
/// Python (`config`, `set_config`) and the CLI (`wir config`) spell it:
/// `policy`, `ttl_ms`, `grace_ms` (`ttl` and `grace` accepted for those two),
/// `log_days`, `history_days` or `confine`. Values are text: a policy name, a
/// duration in milliseconds (`600000`) or with a unit (`10m`, see
/// `DurationText`), a whole number of days (0: kept for ever), or a
/// `ConfineMode` name.
public enum RegistrySetting: String, CaseIterable, Sendable {
    case policy
    case ttl = "ttl_ms"
    case grace = "grace_ms"
    case logDays = "log_days"
    case historyDays = "history_days"
    /// Whether `wir run` confines its command unless told otherwise.
    case confine

    /// The setting called `name`; throws `.invalidArgument` listing the names.
    public init(named name: String) throws {
        switch name {
        case "ttl": self = .ttl
        case "grace": self = .grace
        default:
            guard let setting = RegistrySetting(rawValue: name) else {
                throw WirError(.invalidArgument, "unknown setting '\(name)' ("
                               + Self.allCases.map(\.rawValue).joined(separator: ", ") + ")")
            }
            self = setting
        }
    }

    /// True for the settings whose value is a duration.
    public var isDuration: Bool { self == .ttl || self == .grace }

    /// The setting's value in `settings`, as text (durations in milliseconds).
    public func value(in settings: RegistrySettings) -> String {
        switch self {
        case .policy: return settings.policy.rawValue
        case .ttl: return String(settings.ttlMs)
        case .grace: return String(settings.graceMs)
        case .logDays: return String(settings.logDays)
        case .historyDays: return String(settings.historyDays)
        case .confine: return settings.confine.rawValue
        }
    }

    /// Sets the setting in `settings` from `text`, checking it.
    public func set(_ text: String, in settings: inout RegistrySettings) throws {
        switch self {
        case .policy: settings.policy = try Policy(named: text)
        case .ttl: settings.ttlMs = try duration(text)
        case .grace: settings.graceMs = try duration(text)
        case .logDays: settings.logDays = try days(text)
        case .historyDays: settings.historyDays = try days(text)
        case .confine: settings.confine = try ConfineMode(named: text)
        }
        try settings.check()
    }

    private func days(_ text: String) throws -> Int64 {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let days = Int64(text) else {
            throw WirError(.invalidArgument, "\(rawValue) '\(text)' is not a whole number of days (0 keeps for ever)")
        }
        return days
    }

    private func duration(_ text: String) throws -> Int64 {
        guard let ms = DurationText.milliseconds(text, bareUnitMs: 1) else {
            throw WirError(.invalidArgument, "\(rawValue): " + DurationText.problem(text, bareUnitMs: 1))
        }
        return ms
    }
}
