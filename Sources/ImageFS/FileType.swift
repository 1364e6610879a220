/// The three kinds of inode an application image holds.
///
/// The raw value is the Linux `d_type` (`DT_REG`, `DT_DIR`, `DT_LNK`), which is also what a
/// directory entry stores, so getdents64 can fill `d_type` without loading the inode.
public enum FileType: UInt8, Sendable {
    case regular = 8
    case directory = 4
    case symlink = 10

    /// The `S_IFMT` bits of `st_mode`.
    public var modeBits: UInt32 {
        switch self {
        case .regular: return 0o100000
        case .directory: return 0o040000
        case .symlink: return 0o120000
        }
    }

    /// The type encoded in a mode's `S_IFMT` bits; nil for device nodes, FIFOs, sockets and
    /// garbage, none of which an image may contain.
    public init?(mode: UInt32) {
        switch mode & 0o170000 {
        case 0o100000: self = .regular
        case 0o040000: self = .directory
        case 0o120000: self = .symlink
        default: return nil
        }
    }

    /// Mask of the `S_IFMT` bits.
    public static let typeMask: UInt32 = 0o170000
    /// Mask of the permission bits, including setuid, setgid and sticky.
    public static let permissionMask: UInt32 = 0o7777
}
