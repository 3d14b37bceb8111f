#if canImport(Glibc)
import Glibc
#endif
import WirEngine

/// Turns a path as a caller spelled it into the canonical path of the file it
/// names: absolute against the working directory, symlinks followed for the
/// part that exists, `.`/`..`/`//` folded, no trailing slash.
///
/// Components are walked one at a time, as the kernel does: a `..` after a
/// symlink goes up from the link's target, not from the link.
public enum PathResolver {
    /// Symlinks followed per path before giving up, as the kernel's limit.
    static let maxSymlinks = 40

    public static func canonicalize(_ path: String) throws -> CanonicalPath {
        guard !path.isEmpty else { throw WirError(.invalidArgument, "a path is empty") }
        guard path.utf8.count <= maxPathBytes else {
            throw WirError(.invalidArgument, "a path is longer than \(maxPathBytes) bytes")
        }
        var pending = components(of: path)
        if path.utf8.first != UInt8(ascii: "/") {
            pending = components(of: try workingDirectory()) + pending
        }
        pending.reverse()                          // a stack: next component last
        var resolved: [Substring] = []
        var followed = 0
        var exists = true                          // nothing exists below a missing component
        while let part = pending.popLast() {
            if part == "." { continue }
            if part == ".." { _ = resolved.popLast(); exists = true; continue }
            let candidate = "/" + (resolved + [part]).joined(separator: "/")
            if exists, let target = try symlinkTarget(candidate) {
                followed += 1
                guard followed <= maxSymlinks else {
                    throw WirError(.unresolvablePath, "too many levels of symbolic links resolving '\(path)'")
                }
                if target.utf8.first == UInt8(ascii: "/") { resolved.removeAll() }
                pending.append(contentsOf: components(of: target).reversed())
                continue
            }
            if exists { exists = fileExists(candidate) }
            resolved.append(part)
        }
        let canonical = CanonicalPath(canonical: "/" + resolved.joined(separator: "/"))
        guard canonical.value.utf8.count <= maxPathBytes else {
            throw WirError(.unresolvablePath, "'\(path)' resolves to a path longer than \(maxPathBytes) bytes")
        }
        return canonical
    }

    /// WIR_PATH_MAX.
    public static let maxPathBytes = 4096

    private static func components(of path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    private static func workingDirectory() throws -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else {
            throw WirError(.unresolvablePath, "cannot read the working directory: \(SystemFiles.describe(errno))")
        }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    private static func fileExists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// The target of `path` if it is a symlink; nil if it is anything else or missing.
    private static func symlinkTarget(_ path: String) throws -> String? {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else {
            throw WirError(.unresolvablePath, "cannot read symlink '\(path)': \(SystemFiles.describe(errno))")
        }
        guard let target = String(validating: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) else {
            throw WirError(.unresolvablePath, "symlink '\(path)' points to a path that is not valid UTF-8")
        }
        return target
    }
}
