/// libpq's keyword/value connection strings (`host=db dbname=app
/// password='a b'`), which wir does not open (a registry is a
/// `postgresql://` URL) but must recognise: taken for a file name, one would
/// create a file named after its password. The syntax is libpq's: pairs
/// separated by spaces, spaces allowed around `=`, a value quoted with `'`
/// and escaped with `\`.
enum PostgresKeywords {
    /// libpq's connection keywords (PostgreSQL 17), and wir's `wir_schema`.
    static let names: Set<String> = [
        "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "require_auth", "channel_binding",
        "connect_timeout", "client_encoding", "options", "application_name", "fallback_application_name",
        "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout",
        "replication", "gssencmode", "sslmode", "sslnegotiation", "requiressl", "sslcompression", "sslcert",
        "sslkey", "sslkeylogfile", "sslpassword", "sslcertmode", "sslrootcert", "sslcrl", "sslcrldir", "sslsni",
        "requirepeer", "ssl_min_protocol_version", "ssl_max_protocol_version", "min_protocol_version",
        "max_protocol_version", "krbsrvname", "gsslib", "gssdelegation", "service", "target_session_attrs",
        "load_balance_hosts", "wir_schema",
    ]

    /// True when `text` starts as a keyword string does: optional spaces, one
    /// of libpq's keywords (any case), optional spaces, `=`.
    static func startsKeywordString(_ text: String) -> Bool {
        let scalars = text.unicodeScalars.drop(while: isSpace)
        let name = scalars.prefix { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
        guard !name.isEmpty, scalars.dropFirst(name.count).drop(while: isSpace).first == "=" else { return false }
        return names.contains(String(String.UnicodeScalarView(name)).lowercased())
    }

    /// A keyword string cut into pairs and the spaces between them; what
    /// cannot be read as a pair ends it, as `.unparsed`.
    enum Piece: Equatable {
        case text(String)
        case pair(name: String, separator: String, value: String)
        case unparsed(String)
    }

    static func pieces(of text: String) -> [Piece] {
        let scalars = Array(text.unicodeScalars)
        var pieces: [Piece] = []
        var index = 0
        func take(while test: (Unicode.Scalar) -> Bool) -> String {
            var out = ""
            while index < scalars.count, test(scalars[index]) { out.unicodeScalars.append(scalars[index]); index += 1 }
            return out
        }
        while index < scalars.count {
            let space = take(while: isSpace)
            if !space.isEmpty { pieces.append(.text(space)); continue }
            let start = index
            let name = take { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
            var separator = take(while: isSpace)
            guard !name.isEmpty, index < scalars.count, scalars[index] == "=" else {
                pieces.append(.unparsed(String(String.UnicodeScalarView(scalars[start...]))))
                return pieces
            }
            index += 1
            separator += "=" + take(while: isSpace)
            var value = ""
            if index < scalars.count, scalars[index] == "'" {
                value.unicodeScalars.append(scalars[index])
                index += 1
                var closed = false
                while index < scalars.count {
                    let scalar = scalars[index]
                    value.unicodeScalars.append(scalar)
                    index += 1
                    if scalar == "\\", index < scalars.count {
                        value.unicodeScalars.append(scalars[index])
                        index += 1
                    } else if scalar == "'" {
                        closed = true
                        break
                    }
                }
                if !closed {
                    pieces.append(.unparsed(String(String.UnicodeScalarView(scalars[start...]))))
                    return pieces
                }
            } else {
                while index < scalars.count, !isSpace(scalars[index]) {
                    if scalars[index] == "\\", index + 1 < scalars.count {
                        value.unicodeScalars.append(scalars[index])
                        index += 1
                    }
                    value.unicodeScalars.append(scalars[index])
                    index += 1
                }
            }
            pieces.append(.pair(name: name, separator: separator, value: value))
        }
        return pieces
    }

    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar == "\u{0B}" || scalar == "\u{0C}"
    }
}
