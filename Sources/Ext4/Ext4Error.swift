import LinuxABI
import Storage

/// Why an ext4 operation failed: the errno the system-call layer returns, and one line for the
/// console.
///
/// Corruption is `EUCLEAN` (Linux's `EFSCORRUPTED`) and a checksum mismatch `EBADMSG`
/// (`EFSBADCRC`), so the kernel reports damage the way Linux does. Messages name the structure
/// and the offending value; the common "expected" failures (ENOENT on a lookup, EEXIST) carry
/// an empty message so negative lookups build no strings. Not `Equatable` on the message:
/// compare `errno` (String comparison would pull the Unicode tables into the kernel).
public struct Ext4Error: Error, CustomStringConvertible {
    public var errno: Errno
    public var message: String

    public init(_ errno: Errno, _ message: String = "") {
        self.errno = errno
        self.message = message
    }

    public var description: String { message }

    /// A structural rule failed: the volume is damaged or was crafted.
    static func corrupt(_ message: String) -> Ext4Error { Ext4Error(.EUCLEAN, message) }

    /// A stored checksum does not match the data.
    static func badChecksum(_ message: String) -> Ext4Error { Ext4Error(.EBADMSG, message) }

    /// The device failed the transfer.
    static func device(_ error: BlockDeviceError) -> Ext4Error {
        Ext4Error(Errno(rawValue: Int(error.errno)), "ext4: device: \(error.message)")
    }

    static let notFound = Ext4Error(.ENOENT)
    static let exists = Ext4Error(.EEXIST)
    static let notDirectory = Ext4Error(.ENOTDIR)
    static let isDirectory = Ext4Error(.EISDIR)
    static let notEmpty = Ext4Error(.ENOTEMPTY)
    static let noSpace = Ext4Error(.ENOSPC)
    static let readOnly = Ext4Error(.EROFS)
    static let invalid = Ext4Error(.EINVAL)
    static let nameTooLong = Ext4Error(.ENAMETOOLONG)
}
