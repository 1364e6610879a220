/// A cryptographic random number generator fed by whatever entropy the machine has (RDRAND,
/// virtio-rng, timing), for `getrandom` and the kernel.
///
/// The state is one ChaCha20 key. Input is absorbed 32 bytes at a time: XOR into the key, then
/// replace the key with the first half of a ChaCha20 block under it (a one-way step, so earlier
/// states cannot be recovered from later ones). Output is the ChaCha20 key stream under the
/// current key; afterwards the key is replaced by a further block of that stream ("fast key
/// erasure"), so output already given out cannot be reconstructed from the state.
public struct EntropyPool {
    var key = InlineArray<8, UInt32>(repeating: 0)
    /// Bumped on every use of the key, so no (key, nonce) pair is used twice.
    var generation: UInt64 = 0
    /// Entropy credited so far, in bits (what sources claimed, capped by the key size).
    public private(set) var entropyBits = 0

    public init() {}

    /// 256 bits credited: enough for any output.
    public var isSeeded: Bool { entropyBits >= 256 }

    private mutating func cipher(domain: UInt32) -> ChaCha20 {
        generation &+= 1
        return ChaCha20(key: key, nonce: [domain, UInt32(truncatingIfNeeded: generation), UInt32(truncatingIfNeeded: generation >> 32)])
    }

    /// Replaces the key with words 0–7 of block 0 under `domain`.
    private mutating func rekey(domain: UInt32) {
        let block = cipher(domain: domain).block(counter: 0)
        for i in 0..<8 { key[i] = block[i] }
    }

    /// Absorbs `bytes`, crediting `entropyBits` of entropy (0 for input that only adds variety,
    /// such as timestamps).
    public mutating func mix(_ bytes: UnsafeRawBufferPointer, entropyBits credit: Int) {
        var offset = 0
        repeat {
            for i in 0..<8 {
                var word: UInt32 = 0
                for b in 0..<4 {
                    let at = offset &+ i &* 4 &+ b
                    if at < bytes.count { word |= UInt32(bytes[at]) << UInt32(b &* 8) }
                }
                key[i] ^= word
            }
            rekey(domain: 0x6D69_7800)  // "mix"
            offset &+= 32
        } while offset < bytes.count
        entropyBits = min(256, entropyBits &+ max(0, credit))
    }

    /// Absorbs one 64-bit value (a timestamp, an RDRAND result).
    public mutating func mix(_ value: UInt64, entropyBits credit: Int) {
        withUnsafeBytes(of: value.littleEndian) { mix($0, entropyBits: credit) }
    }

    /// Random bytes; then the key moves on.
    public mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        let c = cipher(domain: 0x6F75_7400)  // "out"
        let next = c.keyStream(into: buffer, counter: 1)
        let block = c.block(counter: next)
        for i in 0..<8 { key[i] = block[i] }
    }

    /// A fresh, independent generator for one large request, so the caller can produce the
    /// bytes without holding the pool's lock.
    public mutating func split() -> ChaCha20 {
        var words = InlineArray<8, UInt32>(repeating: 0)
        withUnsafeMutableBytes(of: &words) { fill($0) }
        return ChaCha20(key: words, nonce: [0x7370_6C74, 0, 0])  // "splt"
    }
}
