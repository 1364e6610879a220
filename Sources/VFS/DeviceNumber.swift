/// A device number (major, minor), as `st_dev`, `st_rdev` and `mknod` carry it.
public struct DeviceNumber: Hashable, Sendable {
    public var major: UInt32
    public var minor: UInt32

    public init(major: UInt32, minor: UInt32) {
        self.major = major
        self.minor = minor
    }

    /// No device (0:0): `st_rdev` of everything but device nodes.
    public static let none = DeviceNumber(major: 0, minor: 0)

    /// The 64-bit `dev_t` glibc and musl decode (`gnu_dev_major`/`gnu_dev_minor`). For numbers
    /// below 2^32 it equals the kernel's `new_encode_dev`, which is what `stat` returns.
    public var encoded: UInt64 {
        let major = UInt64(major)
        let minor = UInt64(minor)
        return ((major & 0xFFFF_F000) << 32) | ((major & 0xFFF) << 8) | ((minor & 0xFFFF_FF00) << 12) | (minor & 0xFF)
    }

    /// Decodes a `dev_t` as `mknod` receives it; the inverse of `encoded`.
    public init(encoded value: UInt64) {
        major = UInt32(truncatingIfNeeded: ((value >> 8) & 0xFFF) | ((value >> 32) & 0xFFFF_F000))
        minor = UInt32(truncatingIfNeeded: (value & 0xFF) | ((value >> 12) & 0xFFFF_FF00))
    }
}
