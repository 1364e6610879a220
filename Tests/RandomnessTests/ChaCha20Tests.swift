import Testing
@testable import Randomness

@Suite struct ChaCha20Tests {
    /// RFC 8439 §2.3.2: the block function test vector.
    @Test func rfc8439BlockFunction() {
        var key = InlineArray<8, UInt32>(repeating: 0)
        for i in 0..<8 {
            let b = UInt32(i * 4)
            key[i] = b | (b + 1) << 8 | (b + 2) << 16 | (b + 3) << 24
        }
        let c = ChaCha20(key: key, nonce: [0x0900_0000, 0x4A00_0000, 0])
        var out = [UInt8](repeating: 0, count: 64)
        out.withUnsafeMutableBytes { _ = c.keyStream(into: $0, counter: 1) }
        let expected: [UInt8] = [
            0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f, 0xdd, 0x1f, 0xa3, 0x20, 0x71, 0xc4,
            0xc7, 0xd1, 0xf4, 0xc7, 0x33, 0xc0, 0x68, 0x03, 0x04, 0x22, 0xaa, 0x9a, 0xc3, 0xd4, 0x6c, 0x4e,
            0xd2, 0x82, 0x64, 0x46, 0x07, 0x9f, 0xaa, 0x09, 0x14, 0xc2, 0xd7, 0x05, 0xd9, 0x8b, 0x02, 0xa2,
            0xb5, 0x12, 0x9c, 0xd1, 0xde, 0x16, 0x4e, 0xb9, 0xcb, 0xd0, 0x83, 0xe8, 0xa2, 0x50, 0x3c, 0x4e,
        ]
        #expect(out == expected)
    }

    @Test func keyStreamIsContiguousAcrossBlocks() {
        let c = ChaCha20(key: InlineArray(repeating: 7), nonce: [1, 2, 3])
        var long = [UInt8](repeating: 0, count: 150)
        long.withUnsafeMutableBytes { #expect(c.keyStream(into: $0, counter: 5) == 8) }
        var second = [UInt8](repeating: 0, count: 64)
        second.withUnsafeMutableBytes { _ = c.keyStream(into: $0, counter: 6) }
        #expect(Array(long[64..<128]) == second)
    }
}

@Suite struct EntropyPoolTests {
    func output(_ pool: inout EntropyPool, _ count: Int = 64) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { pool.fill($0) }
        return out
    }

    @Test func sameInputSameOutput() {
        var a = EntropyPool()
        var b = EntropyPool()
        a.mix(0x1234, entropyBits: 0)
        b.mix(0x1234, entropyBits: 0)
        #expect(output(&a) == output(&b))
    }

    @Test func everyInputChangesTheOutput() {
        var a = EntropyPool()
        var b = EntropyPool()
        let bytes = [UInt8](repeating: 9, count: 100)
        bytes.withUnsafeBytes { a.mix($0, entropyBits: 0) }
        var changed = bytes
        changed[99] = 10  // only the last, partial chunk differs
        changed.withUnsafeBytes { b.mix($0, entropyBits: 0) }
        #expect(output(&a) != output(&b))
    }

    @Test func outputsDifferAndLookRandom() {
        var pool = EntropyPool()
        pool.mix(42, entropyBits: 64)
        let first = output(&pool, 4096)
        let second = output(&pool, 4096)
        #expect(first != second)
        // Roughly half the bits set.
        let ones = first.reduce(0) { $0 + $1.nonzeroBitCount }
        #expect(ones > 4096 * 8 * 45 / 100 && ones < 4096 * 8 * 55 / 100)
        var seen = [Bool](repeating: false, count: 256)
        for b in first { seen[Int(b)] = true }
        #expect(seen.allSatisfy { $0 })
    }

    @Test func creditIsCapped() {
        var pool = EntropyPool()
        #expect(!pool.isSeeded)
        pool.mix(1, entropyBits: 200)
        #expect(!pool.isSeeded)
        pool.mix(2, entropyBits: 200)
        #expect(pool.isSeeded && pool.entropyBits == 256)
    }

    @Test func splitGeneratorsAreIndependent() {
        var pool = EntropyPool()
        let a = pool.split()
        let b = pool.split()
        var x = [UInt8](repeating: 0, count: 64)
        var y = [UInt8](repeating: 0, count: 64)
        x.withUnsafeMutableBytes { _ = a.keyStream(into: $0, counter: 0) }
        y.withUnsafeMutableBytes { _ = b.keyStream(into: $0, counter: 0) }
        #expect(x != y)
    }
}
