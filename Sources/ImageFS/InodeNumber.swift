/// An inode's number: its 1-based index in the inode table.
///
/// Numbers start at 1 so the VFS can report them as `st_ino`/`d_ino` unchanged: some libcs skip
/// directory entries whose inode number is 0. The root is always 1. Hard links share a number.
public struct InodeNumber: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32

    public init(_ rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// The root directory.
    public static let root = InodeNumber(1)

    /// The zero-based index into the inode table.
    var index: Int { Int(rawValue) - 1 }

    public static func < (lhs: InodeNumber, rhs: InodeNumber) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    public var description: String { "inode \(rawValue)" }
}
