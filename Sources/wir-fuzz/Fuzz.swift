// wir-fuzz: fuzz harnesses for path canonicalisation, glob parsing, glob
// overlap (against the brute-force oracle) and the C claim API.
//
// Built with `-sanitize=fuzzer -DFUZZING` (make fuzz), libFuzzer drives
// LLVMFuzzerTestOneInput. Built normally, it replays inputs given as files
// (or 1000 generated ones): the same harness, run in the ordinary test build.
// The target comes from $WIR_FUZZ_TARGET: paths, globs, overlap or capi.
#if canImport(Glibc)
import Glibc
#endif
import CWir

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    Harness.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

/// SwiftPM links an executable's `main` to `<module>_main`: hand control to libFuzzer.
@_cdecl("wir_fuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, fuzzOne)
}
#else
/// Replays the files given as arguments, or 1000 generated inputs.
@main
enum Replay {
    static func main() {
        let files = CommandLine.arguments.dropFirst()
        var state: UInt64 = 12684
        func random() -> UInt8 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        var count = 0
        if files.isEmpty {
            for _ in 0..<1000 {
                Harness.run((0..<(Int(random()) % 64)).map { _ in random() })
                count += 1
            }
        }
        for file in files {
            guard let fd = Optional(open(file, O_RDONLY)), fd >= 0 else { continue }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(fd, &chunk, chunk.count)
                if n <= 0 { break }
                bytes += chunk[..<n]
            }
            close(fd)
            Harness.run(bytes)
            count += 1
        }
        print("wir-fuzz: \(count) inputs replayed (\(String(cString: getenv("WIR_FUZZ_TARGET") ?? strdup("paths")!)))")
    }
}
#endif
