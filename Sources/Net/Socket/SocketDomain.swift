/// The address family of a socket (`AF_INET`, `AF_INET6`; raw values are Linux's).
public enum SocketDomain: Int32, Sendable {
    case inet = 2
    case inet6 = 10
}
