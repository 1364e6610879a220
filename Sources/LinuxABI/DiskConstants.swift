/// Block-device ioctl request numbers (`<linux/fs.h>`).
public enum DiskConstants {
    /// `_IOR(0x12, 114, size_t)`: the size in bytes (u64).
    public static let BLKGETSIZE64 = 0x8008_1272
    /// `_IO(0x12, 96)`: the size in 512-byte sectors (unsigned long).
    public static let BLKGETSIZE = 0x1260
    /// `_IO(0x12, 97)`: flush the device's buffers.
    public static let BLKFLSBUF = 0x1261
    /// `_IO(0x12, 94)`: read-only flag (int).
    public static let BLKROGET = 0x125E
    /// `_IO(0x12, 104)`: logical sector size (int).
    public static let BLKSSZGET = 0x1268
    /// `_IO(0x12, 120)`, `_IO(0x12, 121)`, `_IO(0x12, 123)`: minimum and optimal I/O size and
    /// physical block size (unsigned int).
    public static let BLKIOMIN = 0x1278
    public static let BLKIOOPT = 0x1279
    public static let BLKPBSZGET = 0x127B
}
