import FoundationEssentials

/// A JSON value as a hook reads it: a string, an object, or something else it
/// does not look into (a number, a boolean, null, an array). Decoded with
/// `JSONDecoder`, so the CLI needs no more of Foundation than FoundationEssentials.
enum HookJSON: Decodable {
    case string(String)
    case object([String: HookJSON])
    case other

    init(from decoder: Decoder) throws {
        let value = try decoder.singleValueContainer()
        if let text = try? value.decode(String.self) {
            self = .string(text)
        } else if let members = try? value.decode([String: HookJSON].self) {
            self = .object(members)
        } else {
            self = .other
        }
    }

    var string: String? { if case .string(let text) = self { text } else { nil } }
    var object: [String: HookJSON]? { if case .object(let members) = self { members } else { nil } }
}
