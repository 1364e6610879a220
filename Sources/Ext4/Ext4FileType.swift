/// What an inode is, from the type bits of its mode (`S_IFMT`).
public enum Ext4FileType: Sendable, Equatable {
    case regular
    case directory
    case symlink
    case characterDevice
    case blockDevice
    case fifo
    case socket

    /// The `S_IFMT` bits.
    public var modeBits: UInt16 {
        switch self {
        case .fifo: 0x1000
        case .characterDevice: 0x2000
        case .directory: 0x4000
        case .blockDevice: 0x6000
        case .regular: 0x8000
        case .symlink: 0xA000
        case .socket: 0xC000
        }
    }

    /// The type a mode names; nil for the invalid type codes.
    public init?(mode: UInt16) {
        switch mode & 0xF000 {
        case 0x1000: self = .fifo
        case 0x2000: self = .characterDevice
        case 0x4000: self = .directory
        case 0x6000: self = .blockDevice
        case 0x8000: self = .regular
        case 0xA000: self = .symlink
        case 0xC000: self = .socket
        default: return nil
        }
    }

    /// The directory entry's `file_type` byte (with the `filetype` feature).
    var directoryEntryType: UInt8 {
        switch self {
        case .regular: 1
        case .directory: 2
        case .characterDevice: 3
        case .blockDevice: 4
        case .fifo: 5
        case .socket: 6
        case .symlink: 7
        }
    }

    init?(directoryEntryType: UInt8) {
        switch directoryEntryType {
        case 1: self = .regular
        case 2: self = .directory
        case 3: self = .characterDevice
        case 4: self = .blockDevice
        case 5: self = .fifo
        case 6: self = .socket
        case 7: self = .symlink
        default: return nil
        }
    }
}

/// A device number as device inodes store it.
public struct Ext4DeviceNumber: Sendable, Equatable {
    public var major: UInt32
    public var minor: UInt32

    public init(major: UInt32, minor: UInt32) {
        self.major = major
        self.minor = minor
    }
}
