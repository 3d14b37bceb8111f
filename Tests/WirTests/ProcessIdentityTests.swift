import Testing
import Glibc
@testable import WirHost

/// Reading `/proc/<pid>/stat` (`ProcessIdentity.parseStat`), byte by byte.
@Suite struct ProcessIdentityTests {
    func parse(_ line: String) -> ProcessIdentity.ProcStat? {
        Array(line.utf8).withUnsafeBufferPointer { ProcessIdentity.parseStat($0, pid: 0) }
    }

    @Test func fieldsAreCountedFromTheLastParenthesisOfTheCommand() {
        let rest = (6...21).map(String.init).joined(separator: " ")
        let stat = parse("4242 (a) b (c d)) S 17 4240 \(rest) 987654321 23 24\n")
        #expect(stat == ProcessIdentity.ProcStat(parent: 17, group: 4240, startTime: 987_654_321, isZombie: false))
    }

    @Test func aTruncatedOrGarbledLineIsNothing() {
        #expect(parse("4242 (sh) S 1 4242 0 0") == nil)
        #expect(parse("4242 sh S 1 4242") == nil)
        #expect(parse("4242 (sh) S x 4242 " + (6...22).map(String.init).joined(separator: " ")) == nil)
    }

    @Test func thisProcessReadsAsItself() {
        let own = ProcessIdentity.stat(of: getpid())
        #expect(own?.parent == getppid() && own?.isZombie == false)
    }
}
