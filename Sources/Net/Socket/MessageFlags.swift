/// The `MSG_*` flags of send and receive calls the stack looks at (Linux values). The kernel
/// handles `MSG_DONTWAIT`, `MSG_WAITALL` and `MSG_NOSIGNAL` itself: every stack call is
/// non-blocking and raises no signals.
public struct MessageFlags: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// `MSG_PEEK`: return data without consuming it.
    public static let peek = MessageFlags(rawValue: 0x2)
    /// `MSG_TRUNC`: on datagram sockets, report the full datagram length.
    public static let truncate = MessageFlags(rawValue: 0x20)
    /// `MSG_MORE`: more data follows; hold back a partial segment (like `TCP_CORK`).
    public static let more = MessageFlags(rawValue: 0x8000)
}
