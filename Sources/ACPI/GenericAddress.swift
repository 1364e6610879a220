/// ACPI's Generic Address Structure: a register in memory or I/O space.
public struct GenericAddress: Equatable {
    public enum Space: Equatable {
        case memory, io, other(UInt8)
    }

    public var space: Space
    public var bitWidth: UInt8
    public var bitOffset: UInt8
    public var accessSize: UInt8
    public var address: UInt64

    public init(space: Space, bitWidth: UInt8, bitOffset: UInt8 = 0, accessSize: UInt8 = 0, address: UInt64) {
        self.space = space
        self.bitWidth = bitWidth
        self.bitOffset = bitOffset
        self.accessSize = accessSize
        self.address = address
    }

    init?(_ bytes: UnsafeRawBufferPointer, offset: Int) {
        guard offset + 12 <= bytes.count else { return nil }
        let id = bytes[offset]
        space = id == 0 ? .memory : id == 1 ? .io : .other(id)
        bitWidth = bytes[offset + 1]
        bitOffset = bytes[offset + 2]
        accessSize = bytes[offset + 3]
        address = bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt64.self)
        if address == 0 { return nil }
    }
}
