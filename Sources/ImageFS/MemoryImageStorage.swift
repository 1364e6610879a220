/// An image already in memory: the initrd/PVH module case, and host tests.
///
/// The reader never copies the image; `ImageReader.contents(of:)` hands out slices of it, which is
/// how the kernel maps executable pages without copying them.
public struct MemoryImageStorage: ImageStorage {
    /// The memory holding the image; it must outlive every reader over it.
    public let bytes: UnsafeRawBufferPointer

    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    public var size: UInt64 { UInt64(bytes.count) }

    public func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(ImageError) {
        guard let range = checkedRange(offset: offset, count: buffer.count, in: bytes.count) else {
            throw ImageError(.io, "read of \(buffer.count) bytes at \(offset) is outside the \(bytes.count)-byte image")
        }
        if range.isEmpty { return }
        buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[range]))
    }
}

/// An image held in an array: what the host CLI gets back from `ImageBuilder.build()` and wants
/// to check, and a storage that tests can use without scoping a pointer.
public struct ArrayImageStorage: ImageStorage {
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    public var size: UInt64 { UInt64(bytes.count) }

    public func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(ImageError) {
        guard let range = checkedRange(offset: offset, count: buffer.count, in: bytes.count) else {
            throw ImageError(.io, "read of \(buffer.count) bytes at \(offset) is outside the \(bytes.count)-byte image")
        }
        if range.isEmpty { return }
        bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[range])) }
    }
}

/// `offset..<offset+count` when it lies inside `0..<total`, computed without overflow.
func checkedRange(offset: UInt64, count: Int, in total: Int) -> Range<Int>? {
    guard count >= 0, offset <= UInt64(total), UInt64(count) <= UInt64(total) - offset else { return nil }
    let start = Int(offset)
    return start..<(start + count)
}
