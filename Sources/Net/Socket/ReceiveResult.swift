/// What a receive call got.
public struct ReceiveResult: Equatable, Sendable {
    /// Bytes copied into the caller's buffer; 0 with `endOfStream` at the end of a TCP stream.
    public var count: Int
    /// For datagrams, the datagram's full length (larger than `count` when it was truncated).
    public var fullLength: Int
    /// For datagrams, the sender.
    public var source: SocketAddress?

    public var endOfStream: Bool { count == 0 && fullLength == 0 && source == nil }
}
