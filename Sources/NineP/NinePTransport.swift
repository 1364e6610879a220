import LinuxABI

/// How 9P messages reach a server: a virtio-9p channel in the kernel, an in-memory server in the
/// host tests. Class-bound so the client can hold `any NinePTransport`.
///
/// A transport may run several exchanges at once (each gets its own buffers and tag) or one at a
/// time; it must not hold a lock that other subsystems need while it waits for the server.
public protocol NinePTransport: AnyObject {
    /// The largest message, either way, the transport's buffers hold.
    var maximumMessageSize: Int { get }

    /// One request and its reply. `request` writes the message into the transport's buffer
    /// with the writer it is given (whose tag is unique among the exchanges in flight) and
    /// returns its length, nil when it did not fit; `reply` reads the answer from the bytes the
    /// server wrote. EIO when the channel fails.
    func exchange(
        _ request: (inout NinePWriter) -> Int?, reply: (inout NinePReader) throws(Errno) -> Void
    ) throws(Errno)
}
