/// Where an image's bytes come from: RAM (a PVH module) or a block device.
///
/// The reader is generic over this protocol rather than holding an `any ImageStorage`, because
/// Embedded Swift rejects existentials of non-class protocols; every use is specialized.
public protocol ImageStorage {
    /// How many bytes the storage holds; the image may be shorter.
    var size: UInt64 { get }

    /// Fills `buffer` with the bytes at `[offset, offset + buffer.count)`. The reader only asks
    /// for ranges inside `size`; a failure is reported as `.io`.
    func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(ImageError)
}

extension ImageStorage {
    /// `count` bytes at `offset`, as a new array.
    func readBytes(at offset: UInt64, count: Int) throws(ImageError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        // The closure catches and returns the error so the throw happens outside
        // `withUnsafeMutableBytes`, whose rethrows would otherwise erase the error type.
        let failure: ImageError? = bytes.withUnsafeMutableBytes { buffer in
            do throws(ImageError) {
                try read(at: offset, into: buffer)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
        return bytes
    }
}
