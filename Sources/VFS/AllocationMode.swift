import LinuxABI

/// `fallocate` modes the VFS understands.
public enum AllocationMode: Sendable {
    /// Mode 0: allocate the range and extend the size to cover it.
    case allocate
    /// `FALLOC_FL_KEEP_SIZE`: allocate without changing the size.
    case keepSize
    /// `FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE`: free the range; it reads as zeros.
    case punchHole

    public static let keepSizeFlag = 0x01
    public static let punchHoleFlag = 0x02

    /// Decodes `mode`: EOPNOTSUPP for anything else (collapse, zero, insert range, and a punch
    /// without KEEP_SIZE), as tmpfs answers.
    public init(flags: Int) throws(Errno) {
        switch flags {
        case 0: self = .allocate
        case Self.keepSizeFlag: self = .keepSize
        case Self.keepSizeFlag | Self.punchHoleFlag: self = .punchHole
        default: throw .EOPNOTSUPP
        }
    }
}
