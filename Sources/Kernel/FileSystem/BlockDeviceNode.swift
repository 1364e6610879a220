#if SKIFF_KERNEL
import LinuxABI
import Storage
import VFS

/// A disk opened through its device node (`/dev/vda`): byte-addressed reads and writes over a
/// sector-addressed `BlockDevice`, as Linux's block-device files give them (what `dd`, `fio`
/// and database engines on raw disks use).
///
/// Sector-aligned transfers go straight to the device; the unaligned head and tail of any other
/// transfer go through one sector of bounce buffer (read, patch, write back). There is no page
/// cache: every read reaches the device, like Linux with `O_DIRECT`.
final class BlockDeviceNode: VNode {
    let disk: any BlockDevice
    let number: DeviceNumber

    /// virtio-blk's major number on Linux (dynamically assigned there, 254 in practice); each
    /// disk takes 16 minors for its partitions.
    static let virtioMajor: UInt32 = 254

    init(disk: any BlockDevice, number: DeviceNumber) {
        self.disk = disk
        self.number = number
        super.init(type: .blockDevice)
    }

    override func attributes() throws(Errno) -> FileAttributes {
        FileAttributes(
            type: .blockDevice, permissions: 0o660, size: disk.byteCount, blockSize: UInt32(disk.blockSize),
            inode: UInt64(number.minor) &+ 1, specialDevice: number)
    }

    override func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        let size = disk.byteCount
        guard offset < size, buffer.count > 0 else { return 0 }
        let count = Int(min(UInt64(buffer.count), size &- offset))
        try transfer(at: offset, count: count) { (sector, range, bounce) throws(BlockDeviceError) in
            if let bounce {
                try disk.read(sector: sector, into: bounce)
                let start = Int(offset &+ UInt64(range.lowerBound)) % disk.sectorSize
                UnsafeMutableRawBufferPointer(rebasing: buffer[range]).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: bounce[start..<(start &+ range.count)]))
            } else {
                try disk.read(sector: sector, into: UnsafeMutableRawBufferPointer(rebasing: buffer[range]))
            }
        }
        return count
    }

    override func write(at offset: UInt64, from buffer: UnsafeRawBufferPointer, appending: Bool) throws(Errno) -> (count: Int, end: UInt64) {
        guard !disk.isReadOnly else { throw .EROFS }
        let size = disk.byteCount
        let start = appending ? size : offset
        guard buffer.count > 0 else { return (0, start) }
        guard start < size else { throw .ENOSPC }
        let count = Int(min(UInt64(buffer.count), size &- start))
        try transfer(at: start, count: count) { (sector, range, bounce) throws(BlockDeviceError) in
            if let bounce {
                try disk.read(sector: sector, into: bounce)
                let at = Int(start &+ UInt64(range.lowerBound)) % disk.sectorSize
                UnsafeMutableRawBufferPointer(rebasing: bounce[at..<(at &+ range.count)]).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: buffer[range]))
                try disk.write(sector: sector, from: UnsafeRawBufferPointer(bounce))
            } else {
                try disk.write(sector: sector, from: UnsafeRawBufferPointer(rebasing: buffer[range]))
            }
        }
        return (count, start &+ UInt64(count))
    }

    override func sync(dataOnly: Bool) throws(Errno) {
        guard !disk.isReadOnly else { return }
        do throws(BlockDeviceError) { try disk.flush() } catch { throw Errno(rawValue: Int(error.errno)) }
    }

    /// Splits `count` bytes at `offset` into a sector-aligned middle (one call, no bounce) and
    /// partial sectors at either end (a call each with a one-sector bounce buffer).
    private func transfer(
        at offset: UInt64, count: Int,
        _ body: (_ sector: UInt64, _ range: Range<Int>, _ bounce: UnsafeMutableRawBufferPointer?) throws(BlockDeviceError) -> Void
    ) throws(Errno) {
        let sectorSize = disk.sectorSize
        var bounce: UnsafeMutableRawBufferPointer? = nil
        defer { bounce?.deallocate() }
        var done = 0
        do throws(BlockDeviceError) {
            while done < count {
                let position = offset &+ UInt64(done)
                let sector = position / UInt64(sectorSize)
                let within = Int(position % UInt64(sectorSize))
                if within == 0 && count &- done >= sectorSize {
                    let whole = (count &- done) / sectorSize &* sectorSize
                    let piece = min(whole, 1 << 20)
                    try body(sector, done..<(done &+ piece), nil)
                    done &+= piece
                } else {
                    if bounce == nil { bounce = UnsafeMutableRawBufferPointer.allocate(byteCount: sectorSize, alignment: 64) }
                    let piece = min(sectorSize &- within, count &- done)
                    try body(sector, done..<(done &+ piece), bounce)
                    done &+= piece
                }
            }
        } catch {
            throw Errno(rawValue: Int(error.errno))
        }
    }
}
#endif
