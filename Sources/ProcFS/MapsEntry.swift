import VFS

/// One line of `/proc/PID/maps`, as Linux's `show_map_vma` prints it:
///
///     55d4c0d6e000-55d4c0d70000 r--p 00000000 08:01 1835047                    /usr/bin/cat
///     7ffd6b1d3000-7ffd6b1f4000 rw-p 00000000 00:00 0                          [stack]
///     7f3a2c000000-7f3a2c021000 rw-p 00000000 00:00 0 
///
/// The name starts in column 74 (the header is padded to 72 bytes, then a space); a line
/// without a name keeps the space after the inode.
public struct MapsEntry: Equatable {
    public var start: UInt64
    public var end: UInt64
    public var readable: Bool
    public var writable: Bool
    public var executable: Bool
    /// `s` (MAP_SHARED) rather than `p`.
    public var shared: Bool
    /// The file offset of `start`, for file mappings.
    public var offset: UInt64
    public var device: DeviceNumber
    public var inode: UInt64
    /// A path, `[heap]`, `[stack]`, `[vdso]`, or empty.
    public var name: [UInt8]

    public init(
        start: UInt64, end: UInt64, readable: Bool, writable: Bool, executable: Bool, shared: Bool,
        offset: UInt64 = 0, device: DeviceNumber = .none, inode: UInt64 = 0, name: [UInt8] = []
    ) {
        self.start = start
        self.end = end
        self.readable = readable
        self.writable = writable
        self.executable = executable
        self.shared = shared
        self.offset = offset
        self.device = device
        self.inode = inode
        self.name = name
    }

    /// The width of everything before the name (`25 + sizeof(void *) * 6 - 1`).
    static let headerWidth = 72

    public func append(to text: inout ProcText) {
        text.hex(start, width: 8)
        text.append(byte: 0x2D)
        text.hex(end, width: 8)
        text.append(byte: ProcText.space)
        text.append(byte: readable ? 0x72 : 0x2D)
        text.append(byte: writable ? 0x77 : 0x2D)
        text.append(byte: executable ? 0x78 : 0x2D)
        text.append(byte: shared ? 0x73 : 0x70)
        text.append(byte: ProcText.space)
        text.hex(offset, width: 8)
        text.append(byte: ProcText.space)
        text.hex(UInt64(device.major), width: 2)
        text.append(byte: 0x3A)
        text.hex(UInt64(device.minor), width: 2)
        text.append(byte: ProcText.space)
        text.decimal(inode)
        text.append(byte: ProcText.space)
        if !name.isEmpty {
            text.pad(toColumn: Self.headerWidth)
            text.append(byte: ProcText.space)
            // seq_path escapes a newline in a path as \012.
            for byte in name {
                if byte == ProcText.newline { text.append("\\012") } else { text.append(byte: byte) }
            }
        }
        text.newline()
    }

    /// The whole file for `entries`.
    public static func render(_ entries: [MapsEntry]) -> [UInt8] {
        var text = ProcText()
        for entry in entries { entry.append(to: &text) }
        return text.bytes
    }
}
