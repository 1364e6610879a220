import Foundation
import Glibc

/// Host-side TCP on 127.0.0.1, for the code that reaches a guest through a QEMU port forward
/// (guest tests' host peers, the benchmark's HTTP load).
public enum Loopback {
    /// A port nothing listens on right now (for a forward; the small race with other programs
    /// is acceptable for tests and benchmarks).
    public static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var a = address(port: 0)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: a.sin_port))
    }

    /// A TCP connection to 127.0.0.1:`port`, or nil when it is refused; with `SOCK_DGRAM` a
    /// connected UDP socket.
    public static func connect(port: Int, type: Int32 = Int32(SOCK_STREAM.rawValue)) -> Int32? {
        let fd = socket(AF_INET, type, 0)
        var a = address(port: port)
        let len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let r = withUnsafeMutablePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, len) } }
        if r != 0 {
            close(fd)
            return nil
        }
        return fd
    }

    private static func address(port: Int) -> sockaddr_in {
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = UInt16(port).bigEndian
        a.sin_addr.s_addr = inet_addr("127.0.0.1")
        return a
    }
}
