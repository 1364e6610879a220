/// Why a socket or stack operation failed, as the Linux errno value the system call returns.
///
/// The raw value *is* the Linux errno number (asm-generic/errno-base.h and errno.h), so the
/// syscall layer returns `-error.rawValue` without a mapping table. `inProgress` and
/// `wouldBlock` are not failures in the usual sense: they are how a non-blocking stack says
/// "not yet", and the kernel turns them into waits for blocking sockets.
public enum NetError: Int, Error, Equatable, Sendable {
    /// `EPERM`: the operation is not allowed on this socket.
    case operationNotPermitted = 1
    /// `EBADF`: the socket ID is stale (closed, or never created).
    case badSocket = 9
    /// `EAGAIN`: nothing to read, no room to write, or no pending connection.
    case wouldBlock = 11
    /// `ENOMEM`: a stack table is full.
    case noMemory = 12
    /// `EACCES`: sending to a broadcast address without `SO_BROADCAST`.
    case permissionDenied = 13
    /// `EINVAL`: a bad argument or a call that does not fit the socket's state.
    case invalidArgument = 22
    /// `EPIPE`: writing after `shutdown(SHUT_WR)` or after the connection ended.
    case brokenPipe = 32
    /// `EDESTADDRREQ`: sending on an unconnected datagram socket without an address.
    case destinationAddressRequired = 89
    /// `EMSGSIZE`: a datagram larger than the stack can send.
    case messageTooLong = 90
    /// `ENOPROTOOPT`: an unknown socket option.
    case optionNotSupported = 92
    /// `EPROTONOSUPPORT`: a protocol the stack does not implement.
    case protocolNotSupported = 93
    /// `EOPNOTSUPP`: e.g. `listen` on a datagram socket.
    case operationNotSupported = 95
    /// `EAFNOSUPPORT`: an address of the wrong family for the socket.
    case addressFamilyNotSupported = 97
    /// `EADDRINUSE`: the local address and port are taken.
    case addressInUse = 98
    /// `EADDRNOTAVAIL`: the local address is not one of the stack's, or no ephemeral port is free.
    case addressNotAvailable = 99
    /// `ENETUNREACH`: no route to the destination network.
    case networkUnreachable = 101
    /// `ECONNABORTED`: a pending connection was reset before `accept`.
    case connectionAborted = 103
    /// `ECONNRESET`: the peer reset the connection.
    case connectionReset = 104
    /// `ENOBUFS`: a queue is full.
    case noBufferSpace = 105
    /// `EISCONN`: the socket is already connected.
    case alreadyConnected = 106
    /// `ENOTCONN`: the socket is not connected.
    case notConnected = 107
    /// `ETIMEDOUT`: retransmissions or keepalive probes went unanswered.
    case timedOut = 110
    /// `ECONNREFUSED`: the peer answered with a reset (TCP) or port unreachable (UDP).
    case connectionRefused = 111
    /// `EHOSTUNREACH`: the next hop did not answer address resolution.
    case hostUnreachable = 113
    /// `EALREADY`: a connection attempt is already in progress.
    case alreadyInProgress = 114
    /// `EINPROGRESS`: the connection attempt has started; readiness reports its outcome.
    case inProgress = 115

    /// The value a Linux system call returns for this error.
    public var negatedErrno: Int { -rawValue }
}
