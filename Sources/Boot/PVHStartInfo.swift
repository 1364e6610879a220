/// The `hvm_start_info` block a PVH loader hands the kernel in %ebx.
///
/// Parsed from raw bytes so the same code runs on the host in tests; `read` maps a physical
/// address range to bytes (the kernel passes its direct map).
public struct PVHStartInfo {
    /// "xEn3" with the 0x80 bit set in the high byte: 0x336ec578.
    public static let magic: UInt32 = 0x336E_C578

    public var version: UInt32
    public var flags: UInt32
    public var modules: [PVHModule]
    public var commandLine: String
    public var rsdpAddress: UInt64
    public var memoryMap: [MemoryMapEntry]

    /// Reads the start info at `address`. `read(address, count)` returns the bytes there, or nil
    /// when the range is not readable. Strings are limited to `maxCommandLine` bytes.
    public init(
        at address: UInt64,
        maxCommandLine: Int = 4096,
        read: (UInt64, Int) -> UnsafeRawBufferPointer?
    ) throws(BootOptionError) {
        guard let header = read(address, 56) else {
            throw BootOptionError("PVH start info at \(address) is not in memory")
        }
        guard header.loadUnaligned(fromByteOffset: 0, as: UInt32.self) == Self.magic else {
            throw BootOptionError("the loader did not pass a PVH start info (bad magic)")
        }
        version = header.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
        flags = header.loadUnaligned(fromByteOffset: 8, as: UInt32.self)
        let moduleCount = Int(header.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
        let moduleList = header.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
        let commandLineAddress = header.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
        rsdpAddress = header.loadUnaligned(fromByteOffset: 32, as: UInt64.self)

        modules = []
        if moduleCount > 0 && moduleList != 0 {
            guard moduleCount <= 64, let list = read(moduleList, moduleCount * 32) else {
                throw BootOptionError("PVH module list is unreadable")
            }
            for i in 0..<moduleCount {
                modules.append(
                    PVHModule(
                        address: list.loadUnaligned(fromByteOffset: i * 32, as: UInt64.self),
                        size: list.loadUnaligned(fromByteOffset: i * 32 + 8, as: UInt64.self)))
            }
        }

        commandLine = ""
        if commandLineAddress != 0 {
            var bytes: [UInt8] = []
            var cursor = commandLineAddress
            var finished = false
            while !finished && bytes.count < maxCommandLine {
                // Read in small chunks so a short string near the end of RAM stays readable.
                guard let chunk = read(cursor, 64) else { break }
                for byte in chunk {
                    if byte == 0 || bytes.count == maxCommandLine {
                        finished = true
                        break
                    }
                    bytes.append(byte)
                }
                cursor += 64
            }
            commandLine = String(decoding: bytes, as: UTF8.self)
        }

        memoryMap = []
        if version >= 1 {
            let mapAddress = header.loadUnaligned(fromByteOffset: 40, as: UInt64.self)
            let entries = Int(header.loadUnaligned(fromByteOffset: 48, as: UInt32.self))
            if mapAddress != 0 && entries > 0 {
                guard entries <= 1024, let map = read(mapAddress, entries * 24) else {
                    throw BootOptionError("PVH memory map is unreadable")
                }
                for i in 0..<entries {
                    memoryMap.append(
                        MemoryMapEntry(
                            base: map.loadUnaligned(fromByteOffset: i * 24, as: UInt64.self),
                            length: map.loadUnaligned(fromByteOffset: i * 24 + 8, as: UInt64.self),
                            type: MemoryMapEntry.Kind(rawValue: map.loadUnaligned(fromByteOffset: i * 24 + 16, as: UInt32.self))))
                }
            }
        }
    }
}

/// A module (the application image, when passed with QEMU `-initrd`).
public struct PVHModule {
    public var address: UInt64
    public var size: UInt64

    public init(address: UInt64, size: UInt64) {
        self.address = address
        self.size = size
    }
}

/// One entry of the firmware memory map (E820 types).
public struct MemoryMapEntry {
    public struct Kind: Equatable, Sendable {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        public static let ram = Kind(rawValue: 1)
        public static let reserved = Kind(rawValue: 2)
        public static let acpiReclaimable = Kind(rawValue: 3)
        public static let acpiNVS = Kind(rawValue: 4)
        public static let unusable = Kind(rawValue: 5)
    }

    public var base: UInt64
    public var length: UInt64
    public var type: Kind

    public init(base: UInt64, length: UInt64, type: Kind) {
        self.base = base
        self.length = length
        self.type = type
    }

    public var end: UInt64 { base &+ length }
}
