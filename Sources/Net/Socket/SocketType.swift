/// The socket type (`SOCK_STREAM`, `SOCK_DGRAM`; raw values are Linux's).
public enum SocketType: Int32, Sendable {
    case stream = 1
    case datagram = 2
}
