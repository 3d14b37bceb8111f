/// PostgreSQL's text form of a `text[]` parameter, so that a list goes to the
/// server as one bound value (never spliced into SQL).
enum PostgresArray {
    /// `{"a","b"}`: every element quoted, with `"` and `\` escaped by a backslash.
    /// (Elements hold no NUL: paths and entries with control characters are refused.)
    static func text(_ values: [String]) -> String {
        var out = "{"
        for (index, value) in values.enumerated() {
            if index > 0 { out += "," }
            out += "\""
            for scalar in value.unicodeScalars {
                if scalar == "\"" || scalar == "\\" { out += "\\" }
                out.unicodeScalars.append(scalar)
            }
            out += "\""
        }
        return out + "}"
    }
}
