/// The name hashes of hashed (htree) directories.
///
/// An htree directory keeps its leaf blocks sorted by a 32-bit hash of each name; the index
/// maps hash ranges to leaf blocks. Three functions exist — the legacy one, half MD4 (the
/// default) and TEA — each with a signed and an unsigned variant, which differ in how name bytes
/// above 0x7F are widened (the `char` signedness of the machine that created the volume; the
/// superblock records which). The seed is the volume's `s_hash_seed`. The low bit of the major
/// hash is always clear: in index entries it marks a hash collision continued from the
/// previous block.
struct DirectoryHash {
    static let legacy: UInt8 = 0
    static let halfMD4: UInt8 = 1
    static let tea: UInt8 = 2
    static let legacyUnsigned: UInt8 = 3
    static let halfMD4Unsigned: UInt8 = 4
    static let teaUnsigned: UInt8 = 5

    let version: UInt8
    let seed: [UInt32]

    /// The hash for a directory whose root names `rootVersion`, on a volume whose superblock
    /// says unsigned (`unsigned`) or signed names.
    init(rootVersion: UInt8, unsigned: Bool, seed: [UInt32]) {
        version = rootVersion <= Self.tea && unsigned ? rootVersion &+ 3 : rootVersion
        self.seed = seed
    }

    var isKnown: Bool { version <= Self.teaUnsigned }

    /// The major and minor hash of `name`.
    func hash(_ name: [UInt8]) -> (major: UInt32, minor: UInt32) {
        var buffer: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476]
        if seed.count == 4 && (seed[0] | seed[1] | seed[2] | seed[3]) != 0 { buffer = seed }
        var major: UInt32 = 0
        var minor: UInt32 = 0
        switch version {
        case Self.legacy, Self.legacyUnsigned:
            major = Self.legacyHash(name, signed: version == Self.legacy)
        case Self.halfMD4, Self.halfMD4Unsigned:
            let signed = version == Self.halfMD4
            var position = 0
            repeat {
                let input = Self.words(name, from: position, count: 8, signed: signed)
                Self.halfMD4Transform(&buffer, input)
                position &+= 32
            } while position < name.count
            major = buffer[1]
            minor = buffer[2]
        case Self.tea, Self.teaUnsigned:
            let signed = version == Self.tea
            var position = 0
            repeat {
                let input = Self.words(name, from: position, count: 4, signed: signed)
                Self.teaTransform(&buffer, input)
                position &+= 16
            } while position < name.count
            major = buffer[0]
            minor = buffer[1]
        default:
            major = 0
        }
        major &= ~1
        if major == 0x7FFF_FFFF << 1 { major = (0x7FFF_FFFF &- 1) << 1 }
        return (major, minor)
    }

    /// Widens a name byte as the creating machine's `char` did.
    @inline(__always) private static func widen(_ byte: UInt8, signed: Bool) -> UInt32 {
        signed ? UInt32(bitPattern: Int32(Int8(bitPattern: byte))) : UInt32(byte)
    }

    private static func legacyHash(_ name: [UInt8], signed: Bool) -> UInt32 {
        var hash0: UInt32 = 0x12A3_FE2D
        var hash1: UInt32 = 0x37AB_E8F9
        for byte in name {
            var hash = hash1 &+ (hash0 ^ (widen(byte, signed: signed) &* 7_152_373))
            if hash & 0x8000_0000 != 0 { hash &-= 0x7FFF_FFFF }
            hash1 = hash0
            hash0 = hash
        }
        return hash0 << 1
    }

    /// Packs up to `count * 4` name bytes from `from` into words, padded with the length.
    private static func words(_ name: [UInt8], from: Int, count: Int, signed: Bool) -> [UInt32] {
        let remaining = name.count &- from
        var pad = UInt32(truncatingIfNeeded: remaining) | UInt32(truncatingIfNeeded: remaining) << 8
        pad |= pad << 16
        var result: [UInt32] = []
        var value = pad
        let length = min(remaining, count &* 4)
        var slots = count
        var index = 0
        while index < length {
            value = widen(name[from &+ index], signed: signed) &+ (value << 8)
            if index % 4 == 3 {
                result.append(value)
                value = pad
                slots &-= 1
            }
            index &+= 1
        }
        if slots > 0 {
            result.append(value)
            slots &-= 1
        }
        while slots > 0 {
            result.append(pad)
            slots &-= 1
        }
        return result
    }

    private static func rotateLeft(_ value: UInt32, _ shift: UInt32) -> UInt32 {
        (value << shift) | (value >> (32 &- shift))
    }

    private static func halfMD4Transform(_ buffer: inout [UInt32], _ input: [UInt32]) {
        var a = buffer[0]
        var b = buffer[1]
        var c = buffer[2]
        var d = buffer[3]
        func f(_ x: UInt32, _ y: UInt32, _ z: UInt32) -> UInt32 { z ^ (x & (y ^ z)) }
        func g(_ x: UInt32, _ y: UInt32, _ z: UInt32) -> UInt32 { (x & y) &+ ((x ^ y) & z) }
        func h(_ x: UInt32, _ y: UInt32, _ z: UInt32) -> UInt32 { x ^ y ^ z }
        let k2: UInt32 = 0x5A82_7999
        let k3: UInt32 = 0x6ED9_EBA1
        // Round 1.
        a = rotateLeft(a &+ f(b, c, d) &+ input[0], 3)
        d = rotateLeft(d &+ f(a, b, c) &+ input[1], 7)
        c = rotateLeft(c &+ f(d, a, b) &+ input[2], 11)
        b = rotateLeft(b &+ f(c, d, a) &+ input[3], 19)
        a = rotateLeft(a &+ f(b, c, d) &+ input[4], 3)
        d = rotateLeft(d &+ f(a, b, c) &+ input[5], 7)
        c = rotateLeft(c &+ f(d, a, b) &+ input[6], 11)
        b = rotateLeft(b &+ f(c, d, a) &+ input[7], 19)
        // Round 2.
        a = rotateLeft(a &+ g(b, c, d) &+ input[1] &+ k2, 3)
        d = rotateLeft(d &+ g(a, b, c) &+ input[3] &+ k2, 5)
        c = rotateLeft(c &+ g(d, a, b) &+ input[5] &+ k2, 9)
        b = rotateLeft(b &+ g(c, d, a) &+ input[7] &+ k2, 13)
        a = rotateLeft(a &+ g(b, c, d) &+ input[0] &+ k2, 3)
        d = rotateLeft(d &+ g(a, b, c) &+ input[2] &+ k2, 5)
        c = rotateLeft(c &+ g(d, a, b) &+ input[4] &+ k2, 9)
        b = rotateLeft(b &+ g(c, d, a) &+ input[6] &+ k2, 13)
        // Round 3.
        a = rotateLeft(a &+ h(b, c, d) &+ input[3] &+ k3, 3)
        d = rotateLeft(d &+ h(a, b, c) &+ input[7] &+ k3, 9)
        c = rotateLeft(c &+ h(d, a, b) &+ input[2] &+ k3, 11)
        b = rotateLeft(b &+ h(c, d, a) &+ input[6] &+ k3, 15)
        a = rotateLeft(a &+ h(b, c, d) &+ input[1] &+ k3, 3)
        d = rotateLeft(d &+ h(a, b, c) &+ input[5] &+ k3, 9)
        c = rotateLeft(c &+ h(d, a, b) &+ input[0] &+ k3, 11)
        b = rotateLeft(b &+ h(c, d, a) &+ input[4] &+ k3, 15)
        buffer[0] &+= a
        buffer[1] &+= b
        buffer[2] &+= c
        buffer[3] &+= d
    }

    private static func teaTransform(_ buffer: inout [UInt32], _ input: [UInt32]) {
        var sum: UInt32 = 0
        var b0 = buffer[0]
        var b1 = buffer[1]
        let a = input[0]
        let b = input[1]
        let c = input[2]
        let d = input[3]
        var rounds = 16
        while rounds > 0 {
            sum &+= 0x9E37_79B9
            b0 &+= ((b1 << 4) &+ a) ^ (b1 &+ sum) ^ ((b1 >> 5) &+ b)
            b1 &+= ((b0 << 4) &+ c) ^ (b0 &+ sum) ^ ((b0 >> 5) &+ d)
            rounds &-= 1
        }
        buffer[0] &+= b0
        buffer[1] &+= b1
    }
}
