// skiff-fuzz: the libFuzzer harnesses of Skiff's parsers (Sources/Fuzzing, docs/security.md).
//
// Built for fuzzing by `make fuzz`, which passes -DFUZZING, AddressSanitizer, libFuzzer's
// coverage instrumentation and libFuzzer itself (its no-main library: this file's main hands
// over to LLVMFuzzerRunDriver after picking the harness). A normal `swift build` gives a
// binary that replays inputs and writes seeds, without libFuzzer.

import Fuzzing

#if canImport(Glibc)
import Glibc
#endif

let usage = """
    usage: skiff-fuzz NAME [libFuzzer options] [CORPUS...]   fuzz one harness (fuzzing build only)
           skiff-fuzz replay NAME FILE...                    run inputs through a harness
           skiff-fuzz seeds DIR                              write the generated seeds to DIR/NAME/
           skiff-fuzz list                                   the harnesses

    """

func readFile(_ path: String) -> [UInt8]? {
    guard let f = fopen(path, "rb") else { return nil }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&chunk, 1, chunk.count, f)
        if n <= 0 { break }
        bytes += chunk[0..<n]
    }
    return bytes
}

func writeFile(_ path: String, _ bytes: [UInt8]) -> Bool {
    guard let f = fopen(path, "wb") else { return false }
    defer { fclose(f) }
    return fwrite(bytes, 1, bytes.count, f) == bytes.count
}

func fail(_ message: String) -> Never {
    let line = Array("skiff-fuzz: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(2)
}

func harness(_ name: String) -> FuzzHarness {
    guard let h = FuzzHarness.named(name) else {
        fail("no harness \(name); there are \(FuzzHarness.all.map(\.name).joined(separator: ", "))")
    }
    return h
}

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

nonisolated(unsafe) var selected: FuzzHarness? = nil

func fuzz(_ h: FuzzHarness) -> Never {
    selected = h
    // libFuzzer sees argv without the harness name.
    var arguments: [UnsafeMutablePointer<CChar>?] = [CommandLine.unsafeArgv[0]]
    for i in 2..<Int(CommandLine.argc) { arguments.append(CommandLine.unsafeArgv[i]) }
    arguments.append(nil)
    var argc = Int32(arguments.count - 1)
    let status = arguments.withUnsafeMutableBufferPointer { buffer in
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = buffer.baseAddress
        return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            selected!.run(UnsafeRawBufferPointer(start: data, count: size))
            return 0
        }
    }
    exit(status)
}
#endif

let arguments = CommandLine.arguments
switch arguments.count > 1 ? arguments[1] : "" {
case "list":
    for h in FuzzHarness.all { print("\(h.name)\t-max_len=\(h.maxLength)\t\(h.summary)") }
case "replay":
    guard arguments.count >= 3 else { fail("replay needs a harness name and files") }
    let h = harness(arguments[2])
    for path in arguments.dropFirst(3) {
        guard let bytes = readFile(path) else { fail("cannot read \(path)") }
        bytes.withUnsafeBytes { h.run($0) }
    }
    print("replayed \(arguments.count - 3) inputs through \(h.name)")
case "seeds":
    guard arguments.count == 3 else { fail("seeds needs a directory") }
    for h in FuzzHarness.all {
        let seeds = h.seeds()
        guard !seeds.isEmpty else { continue }
        let directory = "\(arguments[2])/\(h.name)"
        mkdir(directory, 0o755)
        for seed in seeds where !writeFile("\(directory)/\(seed.name)", seed.bytes) {
            fail("cannot write \(directory)/\(seed.name)")
        }
        print("\(directory): \(seeds.count) seeds")
    }
case "", "-h", "--help", "help":
    print(usage, terminator: "")
    #if !FUZZING
    print("""
        This binary was built without libFuzzer. Build the fuzzing one with `make fuzz`, or:
          swift build -c release --product skiff-fuzz -Xswiftc -DFUZZING -Xswiftc -sanitize=address \\
            -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table \\
            -Xlinker $SWIFT_ROOT/usr/lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a -Xlinker -lstdc++
        """)
    #endif
default:
    #if FUZZING
    fuzz(harness(arguments[1]))
    #else
    fail("built without libFuzzer: `make fuzz` builds the fuzzing binary (skiff-fuzz help)")
    #endif
}
