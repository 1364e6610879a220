/// The ChaCha20 block function (RFC 8439 §2.3): 64 bytes of key stream from a 256-bit key, a
/// 32-bit block counter and a 96-bit nonce. Integer-only, so it runs in the kernel.
public struct ChaCha20 {
    public var key: InlineArray<8, UInt32>
    public var nonce: InlineArray<3, UInt32>

    public init(key: InlineArray<8, UInt32>, nonce: InlineArray<3, UInt32>) {
        self.key = key
        self.nonce = nonce
    }

    @inline(__always)
    static func quarterRound(_ s: inout InlineArray<16, UInt32>, _ a: Int, _ b: Int, _ c: Int, _ d: Int) {
        s[a] &+= s[b]; s[d] ^= s[a]; s[d] = s[d].rotatedLeft(16)
        s[c] &+= s[d]; s[b] ^= s[c]; s[b] = s[b].rotatedLeft(12)
        s[a] &+= s[b]; s[d] ^= s[a]; s[d] = s[d].rotatedLeft(8)
        s[c] &+= s[d]; s[b] ^= s[c]; s[b] = s[b].rotatedLeft(7)
    }

    /// The 16 words of block `counter`.
    public func block(counter: UInt32) -> InlineArray<16, UInt32> {
        var initial = InlineArray<16, UInt32>(repeating: 0)
        initial[0] = 0x6170_7865
        initial[1] = 0x3320_646E
        initial[2] = 0x7962_2D32
        initial[3] = 0x6B20_6574
        for i in 0..<8 { initial[4 &+ i] = key[i] }
        initial[12] = counter
        for i in 0..<3 { initial[13 &+ i] = nonce[i] }
        var s = initial
        for _ in 0..<10 {
            Self.quarterRound(&s, 0, 4, 8, 12)
            Self.quarterRound(&s, 1, 5, 9, 13)
            Self.quarterRound(&s, 2, 6, 10, 14)
            Self.quarterRound(&s, 3, 7, 11, 15)
            Self.quarterRound(&s, 0, 5, 10, 15)
            Self.quarterRound(&s, 1, 6, 11, 12)
            Self.quarterRound(&s, 2, 7, 8, 13)
            Self.quarterRound(&s, 3, 4, 9, 14)
        }
        for i in 0..<16 { s[i] &+= initial[i] }
        return s
    }

    /// Fills `buffer` with the key stream starting at block `counter` (little-endian words, as
    /// the RFC serializes them); returns the next unused counter.
    @discardableResult
    public func keyStream(into buffer: UnsafeMutableRawBufferPointer, counter: UInt32) -> UInt32 {
        var counter = counter
        var offset = 0
        while offset < buffer.count {
            let words = block(counter: counter)
            counter &+= 1
            var i = 0
            while i < 16 && offset < buffer.count {
                let w = words[i]
                for b in 0..<4 where offset &+ b < buffer.count {
                    buffer[offset &+ b] = UInt8(truncatingIfNeeded: w >> UInt32(b &* 8))
                }
                offset &+= 4
                i &+= 1
            }
        }
        return counter
    }
}

extension UInt32 {
    @inline(__always)
    func rotatedLeft(_ n: UInt32) -> UInt32 { self << n | self >> (32 &- n) }
}
