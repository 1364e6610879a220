/// Bit operations on block and inode bitmaps (bit `n` is byte `n / 8`, bit `n % 8`).
enum Bitmap {
    @inline(__always) static func test(_ bitmap: [UInt8], _ bit: Int) -> Bool {
        bitmap[bit >> 3] & (1 << UInt8(bit & 7)) != 0
    }

    @inline(__always) static func set(_ bitmap: inout [UInt8], _ bit: Int) {
        bitmap[bit >> 3] |= 1 << UInt8(bit & 7)
    }

    @inline(__always) static func clear(_ bitmap: inout [UInt8], _ bit: Int) {
        bitmap[bit >> 3] &= ~(1 << UInt8(bit & 7))
    }

    /// The first clear bit in `from..<to`, skipping whole bytes of set bits.
    static func firstClear(_ bitmap: [UInt8], from: Int, to: Int) -> Int? {
        var bit = from
        while bit < to {
            if bit & 7 == 0 && bit &+ 8 <= to && bitmap[bit >> 3] == 0xFF {
                bit &+= 8
                continue
            }
            if !test(bitmap, bit) { return bit }
            bit &+= 1
        }
        return nil
    }

    /// Sets bits `from..<to` (the padding past a group's last block or inode).
    static func setRange(_ bitmap: inout [UInt8], from: Int, to: Int) {
        var bit = from
        while bit < to {
            set(&bitmap, bit)
            bit &+= 1
        }
    }
}
