/// Why a block device operation failed.
public enum BlockDeviceError: Error, Equatable, Sendable {
    /// The sectors lie (partly) beyond the end of the device.
    case outOfRange
    /// The buffer is not a whole number of sectors.
    case misaligned
    /// The device is read-only.
    case readOnly
    /// The device does not do this (e.g. discard).
    case unsupported
    /// The device reported an I/O error.
    case ioError
    /// The device misbehaved and was disabled, or was removed.
    case deviceFailed
    /// No memory for the request's buffers.
    case outOfMemory

    /// The Linux errno the system-call layer returns for it.
    public var errno: Int32 {
        switch self {
        case .outOfRange, .misaligned: return 22  // EINVAL
        case .readOnly: return 30  // EROFS
        case .unsupported: return 95  // EOPNOTSUPP
        case .ioError, .deviceFailed: return 5  // EIO
        case .outOfMemory: return 12  // ENOMEM
        }
    }

    public var message: StaticString {
        switch self {
        case .outOfRange: return "sectors beyond the end of the device"
        case .misaligned: return "buffer is not a whole number of sectors"
        case .readOnly: return "the device is read-only"
        case .unsupported: return "the device does not support this operation"
        case .ioError: return "I/O error"
        case .deviceFailed: return "the device failed and was disabled"
        case .outOfMemory: return "out of memory for the request"
        }
    }
}
