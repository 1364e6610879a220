import Glibc
import Storage

/// A block device over an image file, what the tests mount: mke2fs makes the file, the module
/// changes it with `pread`/`pwrite`, and e2fsck and debugfs read the same file afterwards.
final class FileBlockDevice: BlockDevice {
    let path: String
    let name = "file0"
    let sectorSize: Int
    let sectorCount: UInt64
    var blockSize: Int { sectorSize }
    let isReadOnly: Bool
    var supportsDiscard: Bool { false }
    private let descriptor: Int32
    /// Calls of `flush()` so far.
    private(set) var flushCount = 0

    init(path: String, sectorSize: Int = 512, readOnly: Bool = false) throws {
        self.path = path
        self.sectorSize = sectorSize
        isReadOnly = readOnly
        descriptor = open(path, readOnly ? O_RDONLY : O_RDWR)
        guard descriptor >= 0 else { throw TestFailure("cannot open \(path): errno \(errno)") }
        let size = lseek(descriptor, 0, SEEK_END)
        sectorCount = UInt64(size) / UInt64(sectorSize)
    }

    deinit { close(descriptor) }

    func read(sector: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(BlockDeviceError) {
        _ = try checkTransfer(sector: sector, byteCount: buffer.count)
        var done = 0
        while done < buffer.count {
            let count = pread(
                descriptor, buffer.baseAddress! + done, buffer.count - done,
                off_t(sector) * off_t(sectorSize) + off_t(done))
            guard count > 0 else { throw .ioError }
            done += count
        }
    }

    func write(sector: UInt64, from buffer: UnsafeRawBufferPointer) throws(BlockDeviceError) {
        guard !isReadOnly else { throw .readOnly }
        _ = try checkTransfer(sector: sector, byteCount: buffer.count)
        var done = 0
        while done < buffer.count {
            let count = pwrite(
                descriptor, buffer.baseAddress! + done, buffer.count - done,
                off_t(sector) * off_t(sectorSize) + off_t(done))
            guard count > 0 else { throw .ioError }
            done += count
        }
    }

    func flush() throws(BlockDeviceError) {
        guard !isReadOnly else { throw .readOnly }
        flushCount += 1
    }

    func discard(sector: UInt64, count: UInt64) throws(BlockDeviceError) { throw .unsupported }
}
