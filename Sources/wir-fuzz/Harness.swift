#if canImport(Glibc)
import Glibc
#endif
import CWir
import WirEngine
import WirHost
import WirOracle
import WirRegistry

/// The four harnesses, chosen by $WIR_FUZZ_TARGET; each checks one input.
enum Harness {
    nonisolated(unsafe) static var registry: OpaquePointer? = nil

    static func run(_ bytes: [UInt8]) {
        switch String(cString: getenv("WIR_FUZZ_TARGET") ?? strdup("paths")!) {
        case "globs": globs(bytes)
        case "overlap": overlap(bytes)
        case "capi": capi(bytes)
        default: paths(bytes)
        }
    }

    /// Canonical paths: no crash; the result is canonical and stable.
    static func paths(_ bytes: [UInt8]) {
        guard let text = String(validating: bytes, as: UTF8.self),
              let path = try? PathResolver.canonicalize(text) else { return }
        // Checked on bytes: "/" and a combining mark are one Swift Character.
        let bytes = Array(path.value.utf8)
        let components = bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        check(bytes.first == UInt8(ascii: "/") && (bytes == [UInt8(ascii: "/")] || components.dropFirst().allSatisfy {
            !$0.isEmpty && !$0.elementsEqual([46]) && !$0.elementsEqual([46, 46]) }), "not canonical: \(path.value)")
        check((try? PathResolver.canonicalize(path.value)) == path, "not stable: \(path.value)")
        check(CanonicalPath(lexical: path.value) == path, "lexical form differs: \(path.value)")
    }

    /// Glob parsing: no crash, and a parsed glob's automaton answers.
    static func globs(_ bytes: [UInt8]) {
        guard let text = String(validating: bytes, as: UTF8.self) else { return }
        let pattern = "/" + text.filter { !$0.isNewline && $0 != "\0" }
        guard let entry = try? PathEntry(.write, pattern: pattern, base: PathEntry.literalBase(of: pattern)) else { return }
        _ = entry.conflicts(with: PathEntry(.write, CanonicalPath(canonical: "/a/b")))
        _ = entry.contains(CanonicalPath(canonical: "/a"))
    }

    /// Glob overlap: the automaton agrees with brute force on small patterns.
    static func overlap(_ bytes: [UInt8]) {
        let atoms = ["a", "b", "?", "*", "[ab]", "[!a]"]
        var index = 0
        func next() -> Int { defer { index += 1 }; return index < bytes.count ? Int(bytes[index]) : 0 }
        func pattern() -> String {
            "/" + (0..<(1 + next() % 2)).map { _ -> String in
                if next() % 5 == 0 { return "**" }
                return (0..<(1 + next() % 2)).map { _ in atoms[next() % atoms.count] }.joined()
            }.joined(separator: "/")
        }
        let p = pattern(), q = pattern()
        guard let x = try? PathEntry(.write, pattern: p, base: PathEntry.literalBase(of: p)),
              let y = try? PathEntry(.write, pattern: q, base: PathEntry.literalBase(of: q)) else {
            check(false, "a generated pattern did not parse: \(p) \(q)")
            return
        }
        check(x.conflicts(with: y) == Reference.overlap(p, q), "overlap of \(p) and \(q) disagrees with brute force")
    }

    /// The C claim API with fields taken from the input: never a crash, a known status.
    static func capi(_ bytes: [UInt8]) {
        if registry == nil {
            let path = "/tmp/wir-fuzz-\(getpid()).db"
            unlink(path)
            guard wir_open(&registry, path) == WIR_OK else { return }
        }
        var cursor = 0
        func byte() -> UInt8 { defer { cursor += 1 }; return cursor < bytes.count ? bytes[cursor] : 0 }
        func string() -> UnsafeMutablePointer<CChar>? {
            let length = Int(byte() % 24)
            if length == 23 { return nil }
            var text = (0..<length).map { _ in CChar(bitPattern: byte()) }
            text.append(0)
            return strdup(text)
        }
        let count = Int(byte() % 4)
        let paths = (0..<count).map { _ in string() }
        defer { paths.forEach { free($0) } }
        let task = byte() % 3 == 0 ? string() : nil
        defer { free(task) }
        let allowed = byte() % 4 == 0 ? [string()] : []
        defer { allowed.forEach { free($0) } }
        var options = wir_claim_opts()
        options.version = byte() % 8 == 0 ? UInt32(byte()) : UInt32(WIR_CLAIM_OPTS_VERSION)
        options.task_id = UnsafePointer(task)
        options.n_writes = count
        options.ttl_ms = Int64(Int8(bitPattern: byte())) * 1000
        options.policy = Int32(byte() % 5)
        options.timeout_ms = 0                            // never wait on ourselves
        options.owner_pid = byte() % 8 == 0 ? Int64(Int8(bitPattern: byte())) : 0
        var claim: OpaquePointer?
        let status = paths.map { UnsafePointer($0) }.withUnsafeBufferPointer { buffer in
            allowed.map { UnsafePointer($0) }.withUnsafeBufferPointer { allowedBuffer in
                options.writes = count == 0 ? nil : buffer.baseAddress
                options.allow_writes = allowed.isEmpty ? nil : allowedBuffer.baseAddress
                options.n_allow_writes = allowed.count
                return wir_claim(&claim, registry, &options)
            }
        }
        check(status <= 0 && status >= WIR_ECANCELED, "unknown status \(status)")
        check((status == WIR_OK || status == WIR_ECONFLICT || status == WIR_ETIMEDOUT) == (claim != nil),
              "out set on status \(status)")
        if status == WIR_OK {
            // A check builds the claim's Landlock ruleset and confines nothing.
            let confine = wir_confine(registry, claim, WIR_CONFINE_CHECK | Int32(byte() % 2))
            check(confine <= 0 && confine >= WIR_ECANCELED, "unknown confine status \(confine)")
            _ = wir_heartbeat(registry, claim, 0)
            check(wir_release(registry, claim, Int32(byte() % 3)) == WIR_OK, "release failed: \(String(cString: wir_errmsg()))")
        }
        wir_claim_free(claim)
    }

    static func check(_ condition: Bool, _ message: @autoclosure () -> String) {
        guard !condition else { return }
        let line = Array("wir-fuzz: \(message())\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        abort()
    }
}
