import WirEngine

/// Maps PostgreSQL's SQLSTATE codes to wir's statuses.
enum PostgresErrors {
    /// The error for a failed statement. A lost connection is `.io` whatever the code.
    static func error(sqlState: String, broken: Bool, _ message: String) -> WirError {
        if broken || sqlState.hasPrefix("08") || sqlState.hasPrefix("57P") {
            return WirError(.io, message + "; the connection to the server was lost (the next call reconnects)")
        }
        switch sqlState {
        case "40001", "40P01", "55P03", "57014":
            // Serialization failure, deadlock, lock timeout, statement timeout.
            return WirError(.busy, message + "; another client holds the registry locked")
        case "53200":
            return WirError(.outOfMemory, message)
        case "22021", "22P05":
            return WirError(.invalidArgument, message + "; the database's encoding cannot hold this text")
        case "XX001", "XX002":
            return WirError(.corrupt, message + "; the database reports damaged data")
        case "42501":
            return WirError(.io, message + "; the database role lacks a privilege wir needs")
        default:
            if sqlState.hasPrefix("53") || sqlState.hasPrefix("28") || sqlState.hasPrefix("3D")
                || sqlState.hasPrefix("58") {
                return WirError(.io, message)                   // resources, authorisation, no database, system
            }
            if sqlState.hasPrefix("42") {
                return WirError(.schema, message + "; the registry's tables are not as this wir made them")
            }
            return WirError(.internalError, message + " (SQLSTATE \(sqlState))")
        }
    }
}
