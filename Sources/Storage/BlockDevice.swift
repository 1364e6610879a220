/// A disk: a fixed number of equal sectors, read and written in whole sectors.
///
/// This is what file systems (the VFS's mounts, ext4) see of a disk, whatever drives it:
/// virtio-blk in the kernel, `MemoryBlockDevice` in host tests and RAM disks. It is class-bound
/// so it can be held as `any BlockDevice` in Embedded Swift.
///
/// Implementations are safe to call from several threads at once; each call blocks until its
/// I/O is done (in the kernel: the calling thread sleeps while the device works). Buffers must
/// be a whole number of sectors long; in the kernel they may be anywhere in kernel memory
/// (buffers outside the direct map are bounced through DMA memory by the driver).
public protocol BlockDevice: AnyObject {
    /// A short name for logs and `/dev` ("vda").
    var name: String { get }
    /// Bytes per sector, the unit of every address and length here (512 for virtio-blk).
    var sectorSize: Int { get }
    var sectorCount: UInt64 { get }
    /// `sectorCount * sectorSize` (provided below). A requirement, not only an extension
    /// member, so it can be called on `any BlockDevice` in Embedded Swift, where a protocol
    /// extension member used through an existential compiles to a trap.
    var byteCount: UInt64 { get }
    /// The device's own block size (a multiple of `sectorSize`): I/O aligned to it is fastest.
    var blockSize: Int { get }
    /// Writes, flushes and discards fail with `.readOnly`.
    var isReadOnly: Bool { get }
    /// `discard` tells the device the sectors are unused; false when the device cannot.
    var supportsDiscard: Bool { get }

    /// Reads `buffer.count / sectorSize` sectors starting at `sector`.
    func read(sector: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(BlockDeviceError)
    /// Writes `buffer.count / sectorSize` sectors starting at `sector`. The data may sit in a
    /// volatile cache until `flush()`.
    func write(sector: UInt64, from buffer: UnsafeRawBufferPointer) throws(BlockDeviceError)
    /// Makes every completed write durable.
    func flush() throws(BlockDeviceError)
    /// Declares `count` sectors from `sector` unused; reading them later returns unspecified
    /// data (zeros for `MemoryBlockDevice`).
    func discard(sector: UInt64, count: UInt64) throws(BlockDeviceError)
}

extension BlockDevice {
    public var byteCount: UInt64 { sectorCount &* UInt64(sectorSize) }

    /// Checks a transfer of `byteCount` bytes at `sector` against the device's size; returns
    /// the number of sectors.
    public func checkTransfer(sector: UInt64, byteCount: Int) throws(BlockDeviceError) -> UInt64 {
        guard byteCount >= 0, byteCount % sectorSize == 0 else { throw .misaligned }
        let sectors = UInt64(byteCount / sectorSize)
        try checkRange(sector: sector, count: sectors)
        return sectors
    }

    /// Checks that `count` sectors from `sector` lie on the device.
    public func checkRange(sector: UInt64, count: UInt64) throws(BlockDeviceError) {
        guard sector <= sectorCount, count <= sectorCount &- sector else { throw .outOfRange }
    }
}
