/// Poll-style readiness bits. The raw values are Linux's `POLL*`/`EPOLL*` bits, so the kernel
/// passes them through.
public struct Readiness: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `POLLIN`: data, end of stream, or — on a listener — a connection waiting in `accept`.
    public static let readable = Readiness(rawValue: 0x001)
    /// `POLLOUT`: room to send.
    public static let writable = Readiness(rawValue: 0x004)
    /// `POLLERR`: a pending error (`SO_ERROR`).
    public static let error = Readiness(rawValue: 0x008)
    /// `POLLHUP`: both directions are finished.
    public static let hangUp = Readiness(rawValue: 0x010)
    /// `POLLRDHUP`: the peer will send no more.
    public static let readHangUp = Readiness(rawValue: 0x2000)
}
