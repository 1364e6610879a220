/// One entry of the section header table.
public struct SectionHeader: Equatable {
    public struct Kind: Equatable, Sendable {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        public static let null = Kind(rawValue: 0)
        public static let progbits = Kind(rawValue: 1)
        public static let symbolTable = Kind(rawValue: 2)
        public static let stringTable = Kind(rawValue: 3)
        public static let dynamic = Kind(rawValue: 6)
        public static let note = Kind(rawValue: 7)
        public static let nobits = Kind(rawValue: 8)
        public static let dynamicSymbols = Kind(rawValue: 11)
    }

    public var nameOffset: UInt32
    public var type: Kind
    public var flags: UInt64
    public var address: UInt64
    public var offset: UInt64
    public var size: UInt64
    public var link: UInt32
    public var info: UInt32
    public var alignment: UInt64
    public var entrySize: UInt64

    init(_ b: UnsafeRawBufferPointer, at o: Int) {
        nameOffset = b.loadUnaligned(fromByteOffset: o, as: UInt32.self)
        type = Kind(rawValue: b.loadUnaligned(fromByteOffset: o + 4, as: UInt32.self))
        flags = b.loadUnaligned(fromByteOffset: o + 8, as: UInt64.self)
        address = b.loadUnaligned(fromByteOffset: o + 16, as: UInt64.self)
        offset = b.loadUnaligned(fromByteOffset: o + 24, as: UInt64.self)
        size = b.loadUnaligned(fromByteOffset: o + 32, as: UInt64.self)
        link = b.loadUnaligned(fromByteOffset: o + 40, as: UInt32.self)
        info = b.loadUnaligned(fromByteOffset: o + 44, as: UInt32.self)
        alignment = b.loadUnaligned(fromByteOffset: o + 48, as: UInt64.self)
        entrySize = b.loadUnaligned(fromByteOffset: o + 56, as: UInt64.self)
    }
}
