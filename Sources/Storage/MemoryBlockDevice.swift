/// A block device in memory: RAM disks, and the disk host tests give file systems.
///
/// Not locked: give each thread its own, or lock around it (the kernel's RAM disk does).
public final class MemoryBlockDevice: BlockDevice {
    public let name: String
    public let sectorSize: Int
    public let sectorCount: UInt64
    public var blockSize: Int { sectorSize }
    public var isReadOnly: Bool
    public var supportsDiscard: Bool { true }
    /// The disk's bytes.
    public private(set) var bytes: [UInt8]
    /// Calls of `flush()` so far (tests check that writers flush).
    public private(set) var flushCount = 0

    public init(name: String = "ram0", sectorCount: UInt64, sectorSize: Int = 512, readOnly: Bool = false) {
        self.name = name
        self.sectorSize = sectorSize
        self.sectorCount = sectorCount
        isReadOnly = readOnly
        bytes = [UInt8](repeating: 0, count: Int(sectorCount) &* sectorSize)
    }

    public func read(sector: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(BlockDeviceError) {
        _ = try checkTransfer(sector: sector, byteCount: buffer.count)
        guard buffer.count > 0 else { return }
        let start = Int(sector) &* sectorSize
        bytes.withUnsafeBytes { disk in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: disk[start..<(start &+ buffer.count)]))
        }
    }

    public func write(sector: UInt64, from buffer: UnsafeRawBufferPointer) throws(BlockDeviceError) {
        guard !isReadOnly else { throw .readOnly }
        _ = try checkTransfer(sector: sector, byteCount: buffer.count)
        guard buffer.count > 0 else { return }
        let start = Int(sector) &* sectorSize
        bytes.withUnsafeMutableBytes { disk in
            UnsafeMutableRawBufferPointer(rebasing: disk[start..<(start &+ buffer.count)]).copyMemory(from: buffer)
        }
    }

    public func flush() throws(BlockDeviceError) {
        guard !isReadOnly else { throw .readOnly }
        flushCount &+= 1
    }

    public func discard(sector: UInt64, count: UInt64) throws(BlockDeviceError) {
        guard !isReadOnly else { throw .readOnly }
        try checkRange(sector: sector, count: count)
        let start = Int(sector) &* sectorSize
        let end = start &+ Int(count) &* sectorSize
        for i in start..<end { bytes[i] = 0 }
    }
}
