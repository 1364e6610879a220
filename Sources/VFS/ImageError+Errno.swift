import ImageFS
import LinuxABI

extension ImageError {
    /// The errno a system call reports for this error.
    public var errno: Errno {
        switch kind {
        case .notFound: .ENOENT
        case .notDirectory: .ENOTDIR
        case .isDirectory: .EISDIR
        case .notSymlink, .invalidArgument, .invalidName: .EINVAL
        case .nameTooLong: .ENAMETOOLONG
        case .alreadyExists: .EEXIST
        case .tooLarge: .EFBIG
        case .corrupt, .unsupported, .io: .EIO
        }
    }
}
