/// One entry of the program header table: what the loader maps.
public struct ProgramHeader: Equatable {
    public struct Kind: Equatable, Sendable {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        public static let null = Kind(rawValue: 0)
        public static let load = Kind(rawValue: 1)
        public static let dynamic = Kind(rawValue: 2)
        public static let interpreter = Kind(rawValue: 3)
        public static let note = Kind(rawValue: 4)
        public static let programHeaders = Kind(rawValue: 6)
        public static let tls = Kind(rawValue: 7)
        public static let gnuEHFrame = Kind(rawValue: 0x6474_E550)
        public static let gnuStack = Kind(rawValue: 0x6474_E551)
        public static let gnuRelro = Kind(rawValue: 0x6474_E552)
        public static let gnuProperty = Kind(rawValue: 0x6474_E553)
    }

    /// PF_X, PF_W, PF_R.
    public struct Flags: OptionSet, Equatable, Sendable {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let execute = Flags(rawValue: 1)
        public static let write = Flags(rawValue: 2)
        public static let read = Flags(rawValue: 4)
    }

    public var type: Kind
    public var flags: Flags
    public var offset: UInt64
    public var virtualAddress: UInt64
    public var physicalAddress: UInt64
    public var fileSize: UInt64
    public var memorySize: UInt64
    public var alignment: UInt64

    public init(
        type: Kind, flags: Flags, offset: UInt64, virtualAddress: UInt64, physicalAddress: UInt64,
        fileSize: UInt64, memorySize: UInt64, alignment: UInt64
    ) {
        self.type = type
        self.flags = flags
        self.offset = offset
        self.virtualAddress = virtualAddress
        self.physicalAddress = physicalAddress
        self.fileSize = fileSize
        self.memorySize = memorySize
        self.alignment = alignment
    }

    init(_ b: UnsafeRawBufferPointer, at o: Int) {
        type = Kind(rawValue: b.loadUnaligned(fromByteOffset: o, as: UInt32.self))
        flags = Flags(rawValue: b.loadUnaligned(fromByteOffset: o + 4, as: UInt32.self))
        offset = b.loadUnaligned(fromByteOffset: o + 8, as: UInt64.self)
        virtualAddress = b.loadUnaligned(fromByteOffset: o + 16, as: UInt64.self)
        physicalAddress = b.loadUnaligned(fromByteOffset: o + 24, as: UInt64.self)
        fileSize = b.loadUnaligned(fromByteOffset: o + 32, as: UInt64.self)
        memorySize = b.loadUnaligned(fromByteOffset: o + 40, as: UInt64.self)
        alignment = b.loadUnaligned(fromByteOffset: o + 48, as: UInt64.self)
    }

    /// Writes this header in ELF64 layout at `o` (used to patch kernel images on the host).
    public func store(into b: UnsafeMutableRawBufferPointer, at o: Int) {
        b.storeBytes(of: type.rawValue, toByteOffset: o, as: UInt32.self)
        b.storeBytes(of: flags.rawValue, toByteOffset: o + 4, as: UInt32.self)
        b.storeBytes(of: offset, toByteOffset: o + 8, as: UInt64.self)
        b.storeBytes(of: virtualAddress, toByteOffset: o + 16, as: UInt64.self)
        b.storeBytes(of: physicalAddress, toByteOffset: o + 24, as: UInt64.self)
        b.storeBytes(of: fileSize, toByteOffset: o + 32, as: UInt64.self)
        b.storeBytes(of: memorySize, toByteOffset: o + 40, as: UInt64.self)
        b.storeBytes(of: alignment, toByteOffset: o + 48, as: UInt64.self)
    }
}
