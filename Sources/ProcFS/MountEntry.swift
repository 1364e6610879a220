import VFS

/// One mount as `/proc/PID/mounts` and `mountinfo` show it:
///
///     proc /proc proc rw,relatime 0 0
///     22 1 0:5 / /proc rw,relatime - proc proc rw
///
/// Spaces, tabs, newlines and backslashes in names are escaped as octal (`\040`), as
/// Linux's `mangle` does, so the fields stay separable.
public struct MountEntry {
    public var id: UInt64
    public var parentID: UInt64
    public var device: DeviceNumber
    /// The mount point as the reading process sees it.
    public var mountPoint: [UInt8]
    public var source: [UInt8]
    public var typeName: [UInt8]
    public var flags: MountFlags

    public init(
        id: UInt64, parentID: UInt64, device: DeviceNumber, mountPoint: [UInt8], source: [UInt8], typeName: [UInt8],
        flags: MountFlags
    ) {
        self.id = id
        self.parentID = parentID
        self.device = device
        self.mountPoint = mountPoint
        self.source = source
        self.typeName = typeName
        self.flags = flags
    }

    /// "rw,nosuid,nodev,noexec,relatime" from the mount's flags.
    public var options: [UInt8] {
        var t = ProcText()
        t.append(flags.contains(.readOnly) ? "ro" : "rw")
        if flags.contains(.noSetuid) { t.append(",nosuid") }
        if flags.contains(.noDevices) { t.append(",nodev") }
        if flags.contains(.noExec) { t.append(",noexec") }
        t.append(",relatime")
        return t.bytes
    }

    /// The `/proc/mounts` line.
    public func appendMountsLine(to t: inout ProcText) {
        Self.escaped(source.isEmpty ? Array("none".utf8) : source, to: &t)
        t.append(byte: ProcText.space)
        Self.escaped(mountPoint, to: &t)
        t.append(byte: ProcText.space)
        Self.escaped(typeName, to: &t)
        t.append(byte: ProcText.space)
        t.append(options)
        t.append(" 0 0\n")
    }

    /// The `/proc/PID/mountinfo` line.
    public func appendMountInfoLine(to t: inout ProcText) {
        t.decimal(id)
        t.append(byte: ProcText.space)
        t.decimal(parentID)
        t.append(byte: ProcText.space)
        t.decimal(UInt64(device.major))
        t.append(byte: 0x3A)
        t.decimal(UInt64(device.minor))
        t.append(" / ")
        Self.escaped(mountPoint, to: &t)
        t.append(byte: ProcText.space)
        t.append(options)
        t.append(" - ")
        Self.escaped(typeName, to: &t)
        t.append(byte: ProcText.space)
        Self.escaped(source.isEmpty ? Array("none".utf8) : source, to: &t)
        t.append(flags.contains(.readOnly) ? " ro\n" : " rw\n")
    }

    static func escaped(_ name: [UInt8], to t: inout ProcText) {
        for byte in name {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x5C:
                t.append(byte: 0x5C)
                t.octal(UInt64(byte), width: 3)
            default:
                t.append(byte: byte)
            }
        }
    }

    /// A type name for a file system mounted without one, from its `statfs` magic.
    public static func typeName(forMagic magic: Int64) -> [UInt8] {
        let name: StaticString
        switch magic {
        case FileSystemStatistics.TMPFS_MAGIC: name = "tmpfs"
        case FileSystemStatistics.RAMFS_MAGIC: name = "ramfs"
        case FileSystemStatistics.SKIFF_IMAGE_MAGIC: name = "skiffimg"
        case SyntheticFileSystem.PROC_SUPER_MAGIC: name = "proc"
        case SyntheticFileSystem.SYSFS_MAGIC: name = "sysfs"
        case 0xEF53: name = "ext4"
        case 0x0102_1997: name = "9p"
        default: name = "unknown"
        }
        return name.withUTF8Buffer { Array($0) }
    }
}
