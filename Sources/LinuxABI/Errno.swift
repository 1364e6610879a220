// Linux errno values (asm-generic/errno-base.h, errno.h): ABI constants.

/// A Linux error number. System calls return `-errno.rawValue` on failure.
public struct Errno: RawRepresentable, Equatable, Hashable, Error, Sendable {
    public var rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Operation not permitted.
    public static let EPERM = Errno(rawValue: 1)
    /// No such file or directory.
    public static let ENOENT = Errno(rawValue: 2)
    /// No such process.
    public static let ESRCH = Errno(rawValue: 3)
    /// Interrupted system call.
    public static let EINTR = Errno(rawValue: 4)
    /// I/O error.
    public static let EIO = Errno(rawValue: 5)
    /// No such device or address.
    public static let ENXIO = Errno(rawValue: 6)
    /// Argument list too long.
    public static let E2BIG = Errno(rawValue: 7)
    /// Exec format error.
    public static let ENOEXEC = Errno(rawValue: 8)
    /// Bad file number.
    public static let EBADF = Errno(rawValue: 9)
    /// No child processes.
    public static let ECHILD = Errno(rawValue: 10)
    /// Try again.
    public static let EAGAIN = Errno(rawValue: 11)
    /// Out of memory.
    public static let ENOMEM = Errno(rawValue: 12)
    /// Permission denied.
    public static let EACCES = Errno(rawValue: 13)
    /// Bad address.
    public static let EFAULT = Errno(rawValue: 14)
    /// Block device required.
    public static let ENOTBLK = Errno(rawValue: 15)
    /// Device or resource busy.
    public static let EBUSY = Errno(rawValue: 16)
    /// File exists.
    public static let EEXIST = Errno(rawValue: 17)
    /// Cross-device link.
    public static let EXDEV = Errno(rawValue: 18)
    /// No such device.
    public static let ENODEV = Errno(rawValue: 19)
    /// Not a directory.
    public static let ENOTDIR = Errno(rawValue: 20)
    /// Is a directory.
    public static let EISDIR = Errno(rawValue: 21)
    /// Invalid argument.
    public static let EINVAL = Errno(rawValue: 22)
    /// File table overflow.
    public static let ENFILE = Errno(rawValue: 23)
    /// Too many open files.
    public static let EMFILE = Errno(rawValue: 24)
    /// Not a typewriter.
    public static let ENOTTY = Errno(rawValue: 25)
    /// Text file busy.
    public static let ETXTBSY = Errno(rawValue: 26)
    /// File too large.
    public static let EFBIG = Errno(rawValue: 27)
    /// No space left on device.
    public static let ENOSPC = Errno(rawValue: 28)
    /// Illegal seek.
    public static let ESPIPE = Errno(rawValue: 29)
    /// Read-only file system.
    public static let EROFS = Errno(rawValue: 30)
    /// Too many links.
    public static let EMLINK = Errno(rawValue: 31)
    /// Broken pipe.
    public static let EPIPE = Errno(rawValue: 32)
    /// Math argument out of domain of func.
    public static let EDOM = Errno(rawValue: 33)
    /// Math result not representable.
    public static let ERANGE = Errno(rawValue: 34)
    /// Resource deadlock would occur.
    public static let EDEADLK = Errno(rawValue: 35)
    /// File name too long.
    public static let ENAMETOOLONG = Errno(rawValue: 36)
    /// No record locks available.
    public static let ENOLCK = Errno(rawValue: 37)
    /// Invalid system call number.
    public static let ENOSYS = Errno(rawValue: 38)
    /// Directory not empty.
    public static let ENOTEMPTY = Errno(rawValue: 39)
    /// Too many symbolic links encountered.
    public static let ELOOP = Errno(rawValue: 40)
    /// No message of desired type.
    public static let ENOMSG = Errno(rawValue: 42)
    /// Identifier removed.
    public static let EIDRM = Errno(rawValue: 43)
    /// Channel number out of range.
    public static let ECHRNG = Errno(rawValue: 44)
    /// Level 2 not synchronized.
    public static let EL2NSYNC = Errno(rawValue: 45)
    /// Level 3 halted.
    public static let EL3HLT = Errno(rawValue: 46)
    /// Level 3 reset.
    public static let EL3RST = Errno(rawValue: 47)
    /// Link number out of range.
    public static let ELNRNG = Errno(rawValue: 48)
    /// Protocol driver not attached.
    public static let EUNATCH = Errno(rawValue: 49)
    /// No CSI structure available.
    public static let ENOCSI = Errno(rawValue: 50)
    /// Level 2 halted.
    public static let EL2HLT = Errno(rawValue: 51)
    /// Invalid exchange.
    public static let EBADE = Errno(rawValue: 52)
    /// Invalid request descriptor.
    public static let EBADR = Errno(rawValue: 53)
    /// Exchange full.
    public static let EXFULL = Errno(rawValue: 54)
    /// No anode.
    public static let ENOANO = Errno(rawValue: 55)
    /// Invalid request code.
    public static let EBADRQC = Errno(rawValue: 56)
    /// Invalid slot.
    public static let EBADSLT = Errno(rawValue: 57)
    /// Bad font file format.
    public static let EBFONT = Errno(rawValue: 59)
    /// Device not a stream.
    public static let ENOSTR = Errno(rawValue: 60)
    /// No data available.
    public static let ENODATA = Errno(rawValue: 61)
    /// Timer expired.
    public static let ETIME = Errno(rawValue: 62)
    /// Out of streams resources.
    public static let ENOSR = Errno(rawValue: 63)
    /// Machine is not on the network.
    public static let ENONET = Errno(rawValue: 64)
    /// Package not installed.
    public static let ENOPKG = Errno(rawValue: 65)
    /// Object is remote.
    public static let EREMOTE = Errno(rawValue: 66)
    /// Link has been severed.
    public static let ENOLINK = Errno(rawValue: 67)
    /// Advertise error.
    public static let EADV = Errno(rawValue: 68)
    /// Srmount error.
    public static let ESRMNT = Errno(rawValue: 69)
    /// Communication error on send.
    public static let ECOMM = Errno(rawValue: 70)
    /// Protocol error.
    public static let EPROTO = Errno(rawValue: 71)
    /// Multihop attempted.
    public static let EMULTIHOP = Errno(rawValue: 72)
    /// RFS specific error.
    public static let EDOTDOT = Errno(rawValue: 73)
    /// Not a data message.
    public static let EBADMSG = Errno(rawValue: 74)
    /// Value too large for defined data type.
    public static let EOVERFLOW = Errno(rawValue: 75)
    /// Name not unique on network.
    public static let ENOTUNIQ = Errno(rawValue: 76)
    /// File descriptor in bad state.
    public static let EBADFD = Errno(rawValue: 77)
    /// Remote address changed.
    public static let EREMCHG = Errno(rawValue: 78)
    /// Can not access a needed shared library.
    public static let ELIBACC = Errno(rawValue: 79)
    /// Accessing a corrupted shared library.
    public static let ELIBBAD = Errno(rawValue: 80)
    /// .lib section in a.out corrupted.
    public static let ELIBSCN = Errno(rawValue: 81)
    /// Attempting to link in too many shared libraries.
    public static let ELIBMAX = Errno(rawValue: 82)
    /// Cannot exec a shared library directly.
    public static let ELIBEXEC = Errno(rawValue: 83)
    /// Illegal byte sequence.
    public static let EILSEQ = Errno(rawValue: 84)
    /// Interrupted system call should be restarted.
    public static let ERESTART = Errno(rawValue: 85)
    /// Streams pipe error.
    public static let ESTRPIPE = Errno(rawValue: 86)
    /// Too many users.
    public static let EUSERS = Errno(rawValue: 87)
    /// Socket operation on non-socket.
    public static let ENOTSOCK = Errno(rawValue: 88)
    /// Destination address required.
    public static let EDESTADDRREQ = Errno(rawValue: 89)
    /// Message too long.
    public static let EMSGSIZE = Errno(rawValue: 90)
    /// Protocol wrong type for socket.
    public static let EPROTOTYPE = Errno(rawValue: 91)
    /// Protocol not available.
    public static let ENOPROTOOPT = Errno(rawValue: 92)
    /// Protocol not supported.
    public static let EPROTONOSUPPORT = Errno(rawValue: 93)
    /// Socket type not supported.
    public static let ESOCKTNOSUPPORT = Errno(rawValue: 94)
    /// Operation not supported on transport endpoint.
    public static let EOPNOTSUPP = Errno(rawValue: 95)
    /// Protocol family not supported.
    public static let EPFNOSUPPORT = Errno(rawValue: 96)
    /// Address family not supported by protocol.
    public static let EAFNOSUPPORT = Errno(rawValue: 97)
    /// Address already in use.
    public static let EADDRINUSE = Errno(rawValue: 98)
    /// Cannot assign requested address.
    public static let EADDRNOTAVAIL = Errno(rawValue: 99)
    /// Network is down.
    public static let ENETDOWN = Errno(rawValue: 100)
    /// Network is unreachable.
    public static let ENETUNREACH = Errno(rawValue: 101)
    /// Network dropped connection because of reset.
    public static let ENETRESET = Errno(rawValue: 102)
    /// Software caused connection abort.
    public static let ECONNABORTED = Errno(rawValue: 103)
    /// Connection reset by peer.
    public static let ECONNRESET = Errno(rawValue: 104)
    /// No buffer space available.
    public static let ENOBUFS = Errno(rawValue: 105)
    /// Transport endpoint is already connected.
    public static let EISCONN = Errno(rawValue: 106)
    /// Transport endpoint is not connected.
    public static let ENOTCONN = Errno(rawValue: 107)
    /// Cannot send after transport endpoint shutdown.
    public static let ESHUTDOWN = Errno(rawValue: 108)
    /// Too many references: cannot splice.
    public static let ETOOMANYREFS = Errno(rawValue: 109)
    /// Connection timed out.
    public static let ETIMEDOUT = Errno(rawValue: 110)
    /// Connection refused.
    public static let ECONNREFUSED = Errno(rawValue: 111)
    /// Host is down.
    public static let EHOSTDOWN = Errno(rawValue: 112)
    /// No route to host.
    public static let EHOSTUNREACH = Errno(rawValue: 113)
    /// Operation already in progress.
    public static let EALREADY = Errno(rawValue: 114)
    /// Operation now in progress.
    public static let EINPROGRESS = Errno(rawValue: 115)
    /// Stale file handle.
    public static let ESTALE = Errno(rawValue: 116)
    /// Structure needs cleaning.
    public static let EUCLEAN = Errno(rawValue: 117)
    /// Not a XENIX named type file.
    public static let ENOTNAM = Errno(rawValue: 118)
    /// No XENIX semaphores available.
    public static let ENAVAIL = Errno(rawValue: 119)
    /// Is a named type file.
    public static let EISNAM = Errno(rawValue: 120)
    /// Remote I/O error.
    public static let EREMOTEIO = Errno(rawValue: 121)
    /// Quota exceeded.
    public static let EDQUOT = Errno(rawValue: 122)
    /// No medium found.
    public static let ENOMEDIUM = Errno(rawValue: 123)
    /// Wrong medium type.
    public static let EMEDIUMTYPE = Errno(rawValue: 124)
    /// Operation Canceled.
    public static let ECANCELED = Errno(rawValue: 125)
    /// Required key not available.
    public static let ENOKEY = Errno(rawValue: 126)
    /// Key has expired.
    public static let EKEYEXPIRED = Errno(rawValue: 127)
    /// Key has been revoked.
    public static let EKEYREVOKED = Errno(rawValue: 128)
    /// Key was rejected by service.
    public static let EKEYREJECTED = Errno(rawValue: 129)
    /// Owner died.
    public static let EOWNERDEAD = Errno(rawValue: 130)
    /// State not recoverable.
    public static let ENOTRECOVERABLE = Errno(rawValue: 131)
    /// Operation not possible due to RF-kill.
    public static let ERFKILL = Errno(rawValue: 132)
    /// Memory page has hardware error.
    public static let EHWPOISON = Errno(rawValue: 133)
}

extension Errno {
    /// The symbolic name (`"ENOENT"`), for traces and logs.
    public var name: StaticString {
        switch rawValue {
        case 1: "EPERM"
        case 2: "ENOENT"
        case 3: "ESRCH"
        case 4: "EINTR"
        case 5: "EIO"
        case 6: "ENXIO"
        case 7: "E2BIG"
        case 8: "ENOEXEC"
        case 9: "EBADF"
        case 10: "ECHILD"
        case 11: "EAGAIN"
        case 12: "ENOMEM"
        case 13: "EACCES"
        case 14: "EFAULT"
        case 15: "ENOTBLK"
        case 16: "EBUSY"
        case 17: "EEXIST"
        case 18: "EXDEV"
        case 19: "ENODEV"
        case 20: "ENOTDIR"
        case 21: "EISDIR"
        case 22: "EINVAL"
        case 23: "ENFILE"
        case 24: "EMFILE"
        case 25: "ENOTTY"
        case 26: "ETXTBSY"
        case 27: "EFBIG"
        case 28: "ENOSPC"
        case 29: "ESPIPE"
        case 30: "EROFS"
        case 31: "EMLINK"
        case 32: "EPIPE"
        case 33: "EDOM"
        case 34: "ERANGE"
        case 35: "EDEADLK"
        case 36: "ENAMETOOLONG"
        case 37: "ENOLCK"
        case 38: "ENOSYS"
        case 39: "ENOTEMPTY"
        case 40: "ELOOP"
        case 42: "ENOMSG"
        case 43: "EIDRM"
        case 44: "ECHRNG"
        case 45: "EL2NSYNC"
        case 46: "EL3HLT"
        case 47: "EL3RST"
        case 48: "ELNRNG"
        case 49: "EUNATCH"
        case 50: "ENOCSI"
        case 51: "EL2HLT"
        case 52: "EBADE"
        case 53: "EBADR"
        case 54: "EXFULL"
        case 55: "ENOANO"
        case 56: "EBADRQC"
        case 57: "EBADSLT"
        case 59: "EBFONT"
        case 60: "ENOSTR"
        case 61: "ENODATA"
        case 62: "ETIME"
        case 63: "ENOSR"
        case 64: "ENONET"
        case 65: "ENOPKG"
        case 66: "EREMOTE"
        case 67: "ENOLINK"
        case 68: "EADV"
        case 69: "ESRMNT"
        case 70: "ECOMM"
        case 71: "EPROTO"
        case 72: "EMULTIHOP"
        case 73: "EDOTDOT"
        case 74: "EBADMSG"
        case 75: "EOVERFLOW"
        case 76: "ENOTUNIQ"
        case 77: "EBADFD"
        case 78: "EREMCHG"
        case 79: "ELIBACC"
        case 80: "ELIBBAD"
        case 81: "ELIBSCN"
        case 82: "ELIBMAX"
        case 83: "ELIBEXEC"
        case 84: "EILSEQ"
        case 85: "ERESTART"
        case 86: "ESTRPIPE"
        case 87: "EUSERS"
        case 88: "ENOTSOCK"
        case 89: "EDESTADDRREQ"
        case 90: "EMSGSIZE"
        case 91: "EPROTOTYPE"
        case 92: "ENOPROTOOPT"
        case 93: "EPROTONOSUPPORT"
        case 94: "ESOCKTNOSUPPORT"
        case 95: "EOPNOTSUPP"
        case 96: "EPFNOSUPPORT"
        case 97: "EAFNOSUPPORT"
        case 98: "EADDRINUSE"
        case 99: "EADDRNOTAVAIL"
        case 100: "ENETDOWN"
        case 101: "ENETUNREACH"
        case 102: "ENETRESET"
        case 103: "ECONNABORTED"
        case 104: "ECONNRESET"
        case 105: "ENOBUFS"
        case 106: "EISCONN"
        case 107: "ENOTCONN"
        case 108: "ESHUTDOWN"
        case 109: "ETOOMANYREFS"
        case 110: "ETIMEDOUT"
        case 111: "ECONNREFUSED"
        case 112: "EHOSTDOWN"
        case 113: "EHOSTUNREACH"
        case 114: "EALREADY"
        case 115: "EINPROGRESS"
        case 116: "ESTALE"
        case 117: "EUCLEAN"
        case 118: "ENOTNAM"
        case 119: "ENAVAIL"
        case 120: "EISNAM"
        case 121: "EREMOTEIO"
        case 122: "EDQUOT"
        case 123: "ENOMEDIUM"
        case 124: "EMEDIUMTYPE"
        case 125: "ECANCELED"
        case 126: "ENOKEY"
        case 127: "EKEYEXPIRED"
        case 128: "EKEYREVOKED"
        case 129: "EKEYREJECTED"
        case 130: "EOWNERDEAD"
        case 131: "ENOTRECOVERABLE"
        case 132: "ERFKILL"
        case 133: "EHWPOISON"
        default: "E?"
        }
    }
}

// Kernel-internal restart codes (include/linux/errno.h). A blocking system call interrupted by a
// signal returns one of these; the signal code turns it into EINTR or restarts the call, so an
// application never sees them.
extension Errno {
    /// Restart if the handler has SA_RESTART or no handler runs; EINTR otherwise.
    public static let ERESTARTSYS = Errno(rawValue: 512)
    /// Always restart.
    public static let ERESTARTNOINTR = Errno(rawValue: 513)
    /// Restart only if no handler runs (pause, sigsuspend, poll, nanosleep).
    public static let ERESTARTNOHAND = Errno(rawValue: 514)

    /// One of the internal restart codes.
    public var isRestart: Bool { rawValue >= 512 && rawValue <= 514 }
}
