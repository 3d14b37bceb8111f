import WirEngine

/// A claim's owners as one text column: one line per owner, "P" or "G" (a
/// process or a group), pid, start time, boot id, pid namespace ("-" when
/// unknown), then the host (last, so it may hold spaces). Lines written before
/// pid namespaces were kept start with "p" or "g" and have no namespace field;
/// they are still read. Host names with control characters never get here
/// (`ProcessIdentity.hostName` replaces them). Both stores keep owners this way.
public enum OwnerList {
    public static func encode(_ owners: [Owner]) -> String {
        owners.map {
            "\($0.kind == .group ? "G" : "P") \($0.pid) \($0.startTime) \($0.bootID) "
                + "\($0.pidNamespace.isEmpty ? "-" : $0.pidNamespace) \($0.host)"
        }
            .joined(separator: "\n")
    }

    /// The owners in `text`; nil when it is empty or unreadable (rows written
    /// before owners were kept: the caller falls back to the first-owner columns).
    public static func decode(_ text: String) -> [Owner]? {
        let owners = text.utf8.split(separator: UInt8(ascii: "\n")).compactMap { line -> Owner? in
            guard let kind = line.first else { return nil }
            let withNamespace = kind == UInt8(ascii: "P") || kind == UInt8(ascii: "G")
            let count = withNamespace ? 6 : 5
            let fields = line.split(separator: UInt8(ascii: " "), maxSplits: count - 1, omittingEmptySubsequences: false)
            guard fields.count == count, let pid = Int32(String(decoding: fields[1], as: UTF8.self)),
                  let start = UInt64(String(decoding: fields[2], as: UTF8.self)) else { return nil }
            let namespace = withNamespace ? String(decoding: fields[4], as: UTF8.self) : "-"
            return Owner(host: String(decoding: fields[count - 1], as: UTF8.self), pid: pid, startTime: start,
                         bootID: String(decoding: fields[3], as: UTF8.self),
                         kind: kind == UInt8(ascii: "g") || kind == UInt8(ascii: "G") ? .group : .process,
                         pidNamespace: namespace == "-" ? "" : namespace)
        }
        return owners.isEmpty ? nil : owners
    }
}
