import Foundation
import Testing
@testable import ELF

@Suite struct ELFFileTests {
    func load(_ path: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func parse(_ bytes: [UInt8]) -> Result<ELFFile, ELFError> {
        // ELFFile keeps a pointer to its bytes; the tests only use it inside the closure.
        bytes.withUnsafeBytes { raw in
            do throws(ELFError) { return .success(try ELFFile(raw)) } catch { return .failure(error) }
        }
    }

    func message(_ bytes: [UInt8]) -> String? {
        if case .failure(let e) = parse(bytes) { return e.message }
        return nil
    }

    @Test func dynamicHostProgram() throws {
        let bytes = try load("/bin/ls")
        try bytes.withUnsafeBytes { raw in
            let elf = try ELFFile(raw)
            #expect(elf.type == .sharedObject || elf.type == .executable)
            #expect(elf.interpreter == Array("/lib64/ld-linux-x86-64.so.2".utf8))
            let dynamic = try #require(try elf.dynamicSection())
            #expect(dynamic.needed.contains(Array("libc.so.6".utf8)))
            #expect(elf.programHeaders.contains { $0.type == .load && $0.flags.contains(.execute) })
            #expect(elf.entry != 0)
        }
    }

    @Test func sharedLibraryHasSonameAndSymbols() throws {
        let path = ["/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6"].first {
            FileManager.default.fileExists(atPath: $0)
        }!
        let bytes = try load(path)
        try bytes.withUnsafeBytes { raw in
            let elf = try ELFFile(raw)
            #expect(elf.type == .sharedObject)
            #expect(try elf.dynamicSection()?.soname == Array("libc.so.6".utf8))
            let symbols = try elf.symbols(dynamic: true)
            #expect(symbols.contains { $0.name == Array("printf".utf8) && $0.kind == .function && $0.isDefined })
        }
    }

    @Test func rejectsNonELFAndTruncatedFiles() throws {
        #expect(message([]) == "file is too short to be an ELF file")
        #expect(message(Array("#!/bin/sh\necho hello, this is a shell script that is long enough\n".utf8)) == "not an ELF file")
        let ls = try load("/bin/ls")
        #expect(message(Array(ls[..<100])) != nil)
        // Truncated after the headers: a segment now lies outside the file.
        #expect(message(Array(ls[..<4096]))?.contains("outside the file") == true)
    }

    @Test func rejectsOtherArchitectures() throws {
        var ls = try load("/bin/ls")
        ls[18] = 183  // EM_AARCH64
        #expect(message(ls) == "built for aarch64; Skiff runs x86_64 programs")
        ls[18] = 62
        ls[4] = 1
        #expect(message(ls) == "a 32-bit ELF file; Skiff runs 64-bit x86_64 programs")
    }

    @Test func rejectsSegmentsWithImpossibleSizes() throws {
        var ls = try load("/bin/ls")
        let phoff = Int(ls.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 32, as: UInt64.self) })
        // Find the first PT_LOAD and make its file size larger than its memory size.
        var o = phoff
        while ls.withUnsafeBytes({ $0.loadUnaligned(fromByteOffset: o, as: UInt32.self) }) != 1 { o += 56 }
        withUnsafeBytes(of: UInt64.max) { for (i, b) in $0.enumerated() { ls[o + 32 + i] = b } }
        #expect(message(ls) != nil)
    }

    @Test func randomCorruptionNeverCrashes() throws {
        let original = try load("/bin/true")
        var state: UInt64 = 0x5EED
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        for _ in 0..<300 {
            var bytes = original
            for _ in 0..<8 {
                let i = Int(next() % 128)  // the ELF header and the start of the program headers
                bytes[i] = UInt8(truncatingIfNeeded: next())
            }
            bytes.withUnsafeBytes { raw in
                if let elf = try? ELFFile(raw) {
                    _ = try? elf.dynamicSection()
                    _ = try? elf.symbols()
                    _ = elf.interpreter
                }
            }
        }
    }
}
