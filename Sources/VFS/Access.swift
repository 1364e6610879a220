import LinuxABI

/// The `rwx` permissions an operation needs (`MAY_READ`, `MAY_WRITE`, `MAY_EXEC`), in the
/// bit positions of `access(2)`'s mode.
public struct Access: OptionSet, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let execute = Access(rawValue: 1)
    public static let write = Access(rawValue: 2)
    public static let read = Access(rawValue: 4)

    /// Whether `credentials` may access a node with `attributes` this way, by the rules of
    /// Linux's `generic_permission`: the owner, group or other bits apply (the first class the
    /// caller belongs to, even when a later one would allow more); root may read and write
    /// anything and execute anything with at least one execute bit (directories always).
    public static func permits(_ access: Access, _ attributes: FileAttributes, _ credentials: Credentials) -> Bool {
        if credentials.isSuperuser {
            guard access.contains(.execute) else { return true }
            return attributes.type == .directory || attributes.permissions & 0o111 != 0
        }
        let bits: UInt32
        if attributes.uid == credentials.uid {
            bits = (attributes.permissions >> 6) & 7
        } else if credentials.isMember(of: attributes.gid) {
            bits = (attributes.permissions >> 3) & 7
        } else {
            bits = attributes.permissions & 7
        }
        return access.rawValue & ~bits == 0
    }

    /// Throws EACCES unless `permits`.
    static func check(_ access: Access, _ attributes: FileAttributes, _ credentials: Credentials) throws(Errno) {
        guard permits(access, attributes, credentials) else { throw .EACCES }
    }
}

extension FileConstants {
    static let S_ISUID: UInt32 = 0o4000
    static let S_ISGID: UInt32 = 0o2000
    static let S_ISVTX: UInt32 = 0o1000
    static let S_IXGRP: UInt32 = 0o0010
}
