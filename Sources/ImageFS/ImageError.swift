/// Why an image could not be mounted, built, or asked something.
///
/// `kind` is what the VFS maps to an errno; `message` is the one line the kernel prints. Messages
/// name the structure and the offending value, so a corrupt image can be diagnosed from the
/// console alone. Not `Equatable`: comparing messages would need String comparison, which pulls
/// the Unicode normalization tables into the kernel; compare `kind` instead.
public struct ImageError: Error, CustomStringConvertible {
    /// The class of failure, stable across releases (messages are not).
    public enum Kind: Equatable, Sendable {
        /// A checksum, bound or structural rule failed: the image is damaged or was crafted.
        case corrupt
        /// A well-formed image this code does not understand (newer major version, unknown
        /// incompatible feature, page size out of range).
        case unsupported
        /// The storage could not deliver the bytes.
        case io
        /// A name or path component does not exist (ENOENT).
        case notFound
        /// A directory was needed but something else was found (ENOTDIR).
        case notDirectory
        /// A directory was given where it is not allowed (EISDIR, or hard-linking a directory).
        case isDirectory
        /// readlink on something that is not a symlink (EINVAL for readlink).
        case notSymlink
        /// A name longer than 255 bytes or a path longer than 4095 (ENAMETOOLONG).
        case nameTooLong
        /// A name that is empty, `.`, `..`, or contains `/` or NUL.
        case invalidName
        /// A caller-supplied value is out of range (an inode number the image does not have,
        /// permission bits above 0o7777, …).
        case invalidArgument
        /// The builder was asked to create something that already exists (EEXIST).
        case alreadyExists
        /// The builder's input exceeds a limit of the format.
        case tooLarge
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
