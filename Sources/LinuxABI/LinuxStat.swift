/// `struct stat` for x86_64 (144 bytes), the layout `fstat`/`newfstatat` return.
public struct LinuxStat {
    public var device: UInt64 = 0
    public var inode: UInt64 = 0
    public var linkCount: UInt64 = 1
    public var mode: UInt32 = 0
    public var uid: UInt32 = 0
    public var gid: UInt32 = 0
    public var specialDevice: UInt64 = 0
    public var size: Int64 = 0
    public var blockSize: Int64 = 4096
    public var blocks: Int64 = 0
    public var accessTime = Timespec()
    public var modificationTime = Timespec()
    public var changeTime = Timespec()

    public init() {}

    public static let size = 144

    public var encoded: [UInt8] {
        var w = StructWriter(size: Self.size)
        w.set(device, at: 0)
        w.set(inode, at: 8)
        w.set(linkCount, at: 16)
        w.set(mode, at: 24)
        w.set(uid, at: 28)
        w.set(gid, at: 32)
        w.set(specialDevice, at: 40)
        w.set(size, at: 48)
        w.set(blockSize, at: 56)
        w.set(blocks, at: 64)
        w.set(accessTime.seconds, at: 72)
        w.set(accessTime.nanoseconds, at: 80)
        w.set(modificationTime.seconds, at: 88)
        w.set(modificationTime.nanoseconds, at: 96)
        w.set(changeTime.seconds, at: 104)
        w.set(changeTime.nanoseconds, at: 112)
        return w.bytes
    }
}

/// `struct timespec`: seconds and nanoseconds, 16 bytes.
public struct Timespec: Equatable {
    public var seconds: Int64 = 0
    public var nanoseconds: Int64 = 0

    public init(seconds: Int64 = 0, nanoseconds: Int64 = 0) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    public init(totalNanoseconds: UInt64) {
        seconds = Int64(totalNanoseconds / 1_000_000_000)
        nanoseconds = Int64(totalNanoseconds % 1_000_000_000)
    }

    /// Nil when the nanoseconds field is out of range (EINVAL) or the value is negative.
    public var totalNanoseconds: UInt64? {
        guard seconds >= 0, nanoseconds >= 0, nanoseconds < 1_000_000_000 else { return nil }
        let (product, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return UInt64.max }
        return product &+ UInt64(nanoseconds)
    }

    public var encoded: [UInt8] {
        var w = StructWriter(size: 16)
        w.set(seconds, at: 0)
        w.set(nanoseconds, at: 8)
        return w.bytes
    }

    public init(decoding bytes: [UInt8]) {
        let r = StructReader(bytes)
        seconds = r.get(Int64.self, at: 0)
        nanoseconds = r.get(Int64.self, at: 8)
    }
}
