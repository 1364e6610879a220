import LinuxABI

/// What Tsetattr changes: chmod, chown, truncate and utimensat in one message. Only the fields
/// whose bit is in `valid` count.
public struct NinePAttributeChanges: Equatable {
    public var valid: UInt32 = 0
    public var mode: UInt32 = 0
    public var uid: UInt32 = 0
    public var gid: UInt32 = 0
    public var size: UInt64 = 0
    public var accessTime = Timespec()
    public var modificationTime = Timespec()

    public init() {}

    // `P9_ATTR_*`.
    public static let mode: UInt32 = 0x001
    public static let uid: UInt32 = 0x002
    public static let gid: UInt32 = 0x004
    public static let size: UInt32 = 0x008
    /// Set the access time: to now, or to `accessTime` with `accessTimeSet`.
    public static let accessTime: UInt32 = 0x010
    public static let modificationTime: UInt32 = 0x020
    public static let changeTime: UInt32 = 0x040
    public static let accessTimeSet: UInt32 = 0x080
    public static let modificationTimeSet: UInt32 = 0x100

    init(from reader: inout NinePReader) throws(Errno) {
        valid = try reader.u32()
        mode = try reader.u32()
        uid = try reader.u32()
        gid = try reader.u32()
        size = try reader.u64()
        accessTime = try reader.time()
        modificationTime = try reader.time()
    }

    func encode(into writer: inout NinePWriter) {
        writer.u32(valid)
        writer.u32(mode)
        writer.u32(uid)
        writer.u32(gid)
        writer.u64(size)
        writer.time(accessTime)
        writer.time(modificationTime)
    }
}
