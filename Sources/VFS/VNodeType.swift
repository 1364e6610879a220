import LinuxABI

/// What kind of object a node is. Fixed for a node's life: `chmod` changes permissions, never
/// the type.
public enum VNodeType: Sendable {
    case regular
    case directory
    case symlink
    case characterDevice
    case blockDevice
    case fifo
    case socket

    /// The `S_IFMT` bits of `st_mode`.
    public var modeBits: UInt32 {
        switch self {
        case .regular: UInt32(FileConstants.S_IFREG)
        case .directory: UInt32(FileConstants.S_IFDIR)
        case .symlink: UInt32(FileConstants.S_IFLNK)
        case .characterDevice: UInt32(FileConstants.S_IFCHR)
        case .blockDevice: UInt32(FileConstants.S_IFBLK)
        case .fifo: UInt32(FileConstants.S_IFIFO)
        case .socket: UInt32(FileConstants.S_IFSOCK)
        }
    }

    /// The type named by a mode's `S_IFMT` bits, or nil for an invalid type.
    public init?(mode: UInt32) {
        switch Int(mode) & FileConstants.S_IFMT {
        case FileConstants.S_IFREG: self = .regular
        case FileConstants.S_IFDIR: self = .directory
        case FileConstants.S_IFLNK: self = .symlink
        case FileConstants.S_IFCHR: self = .characterDevice
        case FileConstants.S_IFBLK: self = .blockDevice
        case FileConstants.S_IFIFO: self = .fifo
        case FileConstants.S_IFSOCK: self = .socket
        default: return nil
        }
    }

    /// The `d_type` getdents64 reports.
    public var directoryEntryType: UInt8 {
        switch self {
        case .regular: FileConstants.DT_REG
        case .directory: FileConstants.DT_DIR
        case .symlink: FileConstants.DT_LNK
        case .characterDevice: FileConstants.DT_CHR
        case .blockDevice: FileConstants.DT_BLK
        case .fifo: FileConstants.DT_FIFO
        case .socket: FileConstants.DT_SOCK
        }
    }

    /// Device and FIFO/socket nodes: their I/O goes to a driver or a pipe, not to the file system.
    public var isSpecial: Bool {
        switch self {
        case .characterDevice, .blockDevice, .fifo, .socket: true
        default: false
        }
    }
}
