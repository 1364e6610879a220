/// virtio-blk request formats (§5.2.6): a 16-byte header the device reads, data buffers, and a
/// status byte the device writes last.
public enum VirtioBlockRequest {
    public static let headerBytes = 16
    /// Requests address 512-byte sectors whatever the device's logical block size.
    public static let sectorBytes = 512

    public static let typeIn: UInt32 = 0
    public static let typeOut: UInt32 = 1
    public static let typeFlush: UInt32 = 4
    public static let typeGetID: UInt32 = 8
    public static let typeDiscard: UInt32 = 11
    public static let typeWriteZeroes: UInt32 = 13

    public static let statusOK: UInt8 = 0
    public static let statusIOError: UInt8 = 1
    public static let statusUnsupported: UInt8 = 2

    /// Writes the header for `type` at `sector` into 16 bytes at `buffer`.
    public static func writeHeader(type: UInt32, sector: UInt64, to buffer: UnsafeMutableRawPointer) {
        buffer.storeBytes(of: type.littleEndian, toByteOffset: 0, as: UInt32.self)
        buffer.storeBytes(of: UInt32(0), toByteOffset: 4, as: UInt32.self)
        buffer.storeBytes(of: sector.littleEndian, toByteOffset: 8, as: UInt64.self)
    }

    /// One discard / write-zeroes range: 16 bytes of sector, sector count and flags.
    public static let rangeBytes = 16

    public static func writeRange(sector: UInt64, count: UInt32, unmap: Bool, to buffer: UnsafeMutableRawPointer) {
        buffer.storeBytes(of: sector.littleEndian, toByteOffset: 0, as: UInt64.self)
        buffer.storeBytes(of: count.littleEndian, toByteOffset: 8, as: UInt32.self)
        buffer.storeBytes(of: UInt32(unmap ? 1 : 0).littleEndian, toByteOffset: 12, as: UInt32.self)
    }
}
