import LinuxABI

/// What Rgetattr reports about a file: Linux's `stat` fields as the host has them.
public struct NinePAttributes: Equatable {
    /// Which fields the server filled (`P9_STATS_*` bits); QEMU fills the basic set.
    public var valid: UInt64
    public var qid: NinePQid
    /// `st_mode`: type bits and permissions.
    public var mode: UInt32
    public var uid: UInt32
    public var gid: UInt32
    public var linkCount: UInt64
    /// `st_rdev` in Linux's encoding.
    public var specialDevice: UInt64
    public var size: UInt64
    public var blockSize: UInt64
    /// 512-byte units.
    public var blocks: UInt64
    public var accessTime: Timespec
    public var modificationTime: Timespec
    public var changeTime: Timespec
    public var birthTime: Timespec
    public var generation: UInt64
    public var dataVersion: UInt64

    public init(
        valid: UInt64 = NinePAttributes.basic, qid: NinePQid, mode: UInt32, uid: UInt32 = 0, gid: UInt32 = 0,
        linkCount: UInt64 = 1, specialDevice: UInt64 = 0, size: UInt64 = 0, blockSize: UInt64 = 4096, blocks: UInt64 = 0,
        accessTime: Timespec = Timespec(), modificationTime: Timespec = Timespec(), changeTime: Timespec = Timespec(),
        birthTime: Timespec = Timespec(), generation: UInt64 = 0, dataVersion: UInt64 = 0
    ) {
        self.valid = valid
        self.qid = qid
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.linkCount = linkCount
        self.specialDevice = specialDevice
        self.size = size
        self.blockSize = blockSize
        self.blocks = blocks
        self.accessTime = accessTime
        self.modificationTime = modificationTime
        self.changeTime = changeTime
        self.birthTime = birthTime
        self.generation = generation
        self.dataVersion = dataVersion
    }

    /// `P9_GETATTR_BASIC`: everything `stat` reports (mode to blocks, the three times).
    public static let basic: UInt64 = 0x7FF
    /// `P9_STATS_BTIME`: the birth time is valid.
    public static let birthTimeValid: UInt64 = 0x800

    init(from reader: inout NinePReader) throws(Errno) {
        valid = try reader.u64()
        qid = try reader.qid()
        mode = try reader.u32()
        uid = try reader.u32()
        gid = try reader.u32()
        linkCount = try reader.u64()
        specialDevice = try reader.u64()
        size = try reader.u64()
        blockSize = try reader.u64()
        blocks = try reader.u64()
        accessTime = try reader.time()
        modificationTime = try reader.time()
        changeTime = try reader.time()
        birthTime = try reader.time()
        generation = try reader.u64()
        dataVersion = try reader.u64()
    }

    func encode(into writer: inout NinePWriter) {
        writer.u64(valid)
        writer.qid(qid)
        writer.u32(mode)
        writer.u32(uid)
        writer.u32(gid)
        writer.u64(linkCount)
        writer.u64(specialDevice)
        writer.u64(size)
        writer.u64(blockSize)
        writer.u64(blocks)
        for time in [accessTime, modificationTime, changeTime, birthTime] { writer.time(time) }
        writer.u64(generation)
        writer.u64(dataVersion)
    }
}
