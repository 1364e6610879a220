/// How `shutdown` ends a socket (`SHUT_RD`, `SHUT_WR`, `SHUT_RDWR`; raw values are Linux's).
public enum ShutdownHow: Int32, Sendable {
    case read = 0
    case write = 1
    case both = 2
}
