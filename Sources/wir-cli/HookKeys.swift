#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import WirHost

/// Where `wir hook` keeps the key of each session's claim between its calls
/// (each call is a new process): `$XDG_STATE_HOME/wir/hooks/TASK`, else
/// `~/.local/state/wir/hooks/TASK`, mode 0600 in a 0700 directory, holding the
/// registry's path and the key. Removed when the session ends; a session that
/// ended without a word leaves its small file behind.
enum HookKeys {
    static func directory() -> String? {
        if let state = Environment.value("XDG_STATE_HOME"), state.hasPrefix("/") { return state + "/wir/hooks" }
        guard let home = Environment.value("HOME"), home.hasPrefix("/") else { return nil }
        return home + "/.local/state/wir/hooks"
    }

    /// The file for `taskID` (characters other than letters, digits, `.`, `_` and `-` become `_`).
    static func file(_ taskID: String) -> String? {
        let safe = String(taskID.unicodeScalars.map { scalar -> Character in
            let allowed = (scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)))
                || scalar == "." || scalar == "_" || scalar == "-"
            return allowed ? Character(scalar) : "_"
        })
        return directory().map { $0 + "/" + safe }
    }

    /// The key kept for `taskID` on `registry`, if any.
    static func key(_ taskID: String, registry: String) -> String? {
        guard let path = file(taskID), let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 2, lines[0] == registry, !lines[1].isEmpty else { return nil }
        return String(lines[1])
    }

    /// Keeps `key` for `taskID` on `registry`; throws with the reason it cannot.
    static func keep(_ key: String, _ taskID: String, registry: String) throws {
        guard let directory = directory(), let path = file(taskID) else {
            throw HookInputError("no home directory to keep the session's key in (set HOME or XDG_STATE_HOME)")
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let temporary = path + ".\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data((registry + "\n" + key + "\n").utf8),
                                             attributes: [.posixPermissions: 0o600]),
              rename(temporary, path) == 0 else {
            throw HookInputError("cannot write \(path): \(SystemFiles.describe(errno))")
        }
    }

    static func forget(_ taskID: String) {
        if let path = file(taskID) { unlink(path) }
    }
}
