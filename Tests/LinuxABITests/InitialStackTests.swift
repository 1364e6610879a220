import Testing
@testable import LinuxABI

@Suite struct InitialStackTests {
    @Test func layoutFollowsTheABI() {
        let top: UInt64 = 0x7FFF_F000
        let s = InitialStack(
            top: top, arguments: [Array("/hello".utf8), Array("x y".utf8)], environment: [Array("A=1".utf8)],
            auxiliary: [(AuxiliaryVector.pageSize, 4096), (AuxiliaryVector.entry, 0x401000)],
            random: Array(1...16), executableName: Array("/hello".utf8))
        #expect(s.stackPointer % 16 == 0)
        #expect(s.stackPointer + UInt64(s.bytes.count) == top)
        func word(_ address: UInt64) -> UInt64 {
            let o = Int(address - s.bottom)
            return s.bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: o, as: UInt64.self) }
        }
        func string(_ address: UInt64) -> [UInt8] {
            var o = Int(address - s.bottom)
            var out: [UInt8] = []
            while s.bytes[o] != 0 {
                out.append(s.bytes[o])
                o += 1
            }
            return out
        }
        let sp = s.stackPointer
        #expect(word(sp) == 2)
        #expect(string(word(sp + 8)) == Array("/hello".utf8))
        #expect(string(word(sp + 16)) == Array("x y".utf8))
        #expect(word(sp + 24) == 0)
        #expect(string(word(sp + 32)) == Array("A=1".utf8))
        #expect(word(sp + 40) == 0)
        var aux: [UInt64: UInt64] = [:]
        var p = sp + 48
        while word(p) != 0 {
            aux[word(p)] = word(p + 8)
            p += 16
        }
        #expect(aux[AuxiliaryVector.pageSize] == 4096)
        #expect(aux[AuxiliaryVector.entry] == 0x401000)
        let random = aux[AuxiliaryVector.random]!
        #expect((0..<16).map { s.bytes[Int(random - s.bottom) + $0] } == Array(1...16))
        #expect(string(aux[AuxiliaryVector.executableName]!) == Array("/hello".utf8))
        #expect(string(aux[AuxiliaryVector.platform]!) == Array("x86_64".utf8))
        // Everything lies inside the stack block.
        #expect(random + 16 <= top)
    }

    @Test func emptyArgumentsAndEnvironment() {
        let s = InitialStack(top: 0x1000_0000, arguments: [], environment: [], auxiliary: [], random: [], executableName: [])
        let argc = s.bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0, as: UInt64.self) }
        #expect(argc == 0)
        #expect(s.stackPointer % 16 == 0)
    }
}
