import LinuxABI
import VFS

/// A file whose text is rendered when it is opened: each open file description reads its own
/// snapshot (`SnapshotFile`), as a `seq_file` buffers a whole record, so reads in small pieces
/// and `lseek` see one consistent text. Writable files pass each write to a function.
public final class SyntheticFile: SyntheticNode {
    let contents: () throws(Errno) -> [UInt8]
    let store: (([UInt8]) throws(Errno) -> Void)?

    public init(
        place: SyntheticPlace, permissions: UInt32, contents: @escaping () throws(Errno) -> [UInt8],
        write: (([UInt8]) throws(Errno) -> Void)? = nil
    ) {
        self.contents = contents
        store = write
        super.init(type: .regular, place: place, permissions: permissions)
    }

    /// The text as it is now.
    public func render() throws(Errno) -> [UInt8] { try contents() }

    /// Opening for writing a file that takes no writes is EACCES, even for root (as sysfs and
    /// /proc/sys answer).
    public override func openHandler(flags: OpenFlags) throws(Errno) -> VNode {
        if flags.canWrite && store == nil { throw .EACCES }
        return SnapshotFile(source: self, bytes: flags.canRead ? try contents() : [])
    }

    /// Reads without an open file description (the kernel's own use) render afresh.
    public override func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        SnapshotFile.copy(try contents(), from: offset, into: buffer)
    }

    public override func write(
        at offset: UInt64, from buffer: UnsafeRawBufferPointer, appending: Bool
    ) throws(Errno) -> (count: Int, end: UInt64) {
        guard let store else { throw .EACCES }
        try store(Array(buffer))
        return (buffer.count, offset &+ UInt64(buffer.count))
    }
}

/// One open file's copy of a synthetic file's text.
final class SnapshotFile: VNode {
    let source: SyntheticFile
    let bytes: [UInt8]

    init(source: SyntheticFile, bytes: [UInt8]) {
        self.source = source
        self.bytes = bytes
        super.init(type: .regular)
    }

    /// The source's attributes with the snapshot's length, which `lseek(SEEK_END)` uses.
    override func attributes() throws(Errno) -> FileAttributes {
        var attributes = try source.attributes()
        attributes.size = UInt64(bytes.count)
        return attributes
    }

    override func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        Self.copy(bytes, from: offset, into: buffer)
    }

    override func write(
        at offset: UInt64, from buffer: UnsafeRawBufferPointer, appending: Bool
    ) throws(Errno) -> (count: Int, end: UInt64) {
        try source.write(at: offset, from: buffer, appending: appending)
    }

    /// Copies what of `bytes` lies at `offset` into `buffer`; returns how much.
    static func copy(_ bytes: [UInt8], from offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard offset < UInt64(bytes.count) else { return 0 }
        let start = Int(offset)
        let count = min(buffer.count, bytes.count - start)
        bytes.withUnsafeBytes { source in
            buffer.baseAddress?.copyMemory(from: source.baseAddress! + start, byteCount: count)
        }
        return count
    }
}
