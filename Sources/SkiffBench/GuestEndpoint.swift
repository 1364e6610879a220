import Foundation
import SkiffHost
import Glibc

/// Where the host reaches a server in the guest: the guest's own address from inside the run's
/// network namespace, or a port QEMU's user network forwards from 127.0.0.1.
struct GuestEndpoint {
    var address: String
    var port: Int
    var namespace: NetworkNamespace?

    var url: String { "http://\(address):\(port)/" }

    /// What a host program that talks to the guest (wrk) is run under: the namespace's `ip netns exec`.
    var commandPrefix: [String] { namespace?.execPrefix ?? [] }

    /// A TCP connection with Nagle off, or nil when it is refused or not made within
    /// `connectTimeout` seconds (a guest still booting does not answer ARP). Reads and writes
    /// then fail after `ioTimeout` seconds without progress.
    func connect(connectTimeout: Int = 2, ioTimeout: Int = 30) -> Int32? {
        guard let fd = namespace.map({ $0.tcpSocket() }) ?? socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0), fd >= 0 else {
            return nil
        }
        // On Linux SO_SNDTIMEO also bounds connect().
        Self.setTimeout(fd, SO_SNDTIMEO, seconds: connectTimeout)
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = UInt16(port).bigEndian
        inet_pton(AF_INET, address, &a.sin_addr)
        let connected = withUnsafePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        Self.setTimeout(fd, SO_SNDTIMEO, seconds: ioTimeout)
        Self.setTimeout(fd, SO_RCVTIMEO, seconds: ioTimeout)
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(4))
        return fd
    }

    /// Waits until the server answers on a fresh connection (`answers` sends a request and says
    /// whether the whole reply came) or gives the reason it never did: `deadline` passed or the
    /// guest ended. QEMU's user network accepts a forwarded connection before the guest does, so
    /// readiness is a reply, not a connection.
    func waitForServer(deadline: Date, guestEnded: Flag, answers: (Int32) -> Bool) -> SkiffBenchError? {
        var probes = 0
        var last = "refused or unreachable"
        while true {
            probes += 1
            if let fd = connect() {
                // A short wait: a connection QEMU took while the guest was still booting may
                // never be answered, and a new one is.
                Self.setTimeout(fd, SO_RCVTIMEO, seconds: 2)
                let answered = answers(fd)
                close(fd)
                if answered { return nil }
                last = "accepted but not answered within 2 s"
            } else {
                last = "refused or unreachable"
            }
            if guestEnded.isRaised {
                return SkiffBenchError("the guest ended before its server at \(address):\(port) answered (\(probes) tries, the last \(last))")
            }
            if Date() > deadline {
                return SkiffBenchError("the guest's server at \(address):\(port) never answered: \(probes) tries, the last \(last)")
            }
            usleep(100_000)
        }
    }

    /// Sends all of `bytes`; false when the connection fails first.
    static func sendAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var done = 0
        while done < bytes.count {
            let n = send(fd, bytes.baseAddress! + done, bytes.count - done, Int32(MSG_NOSIGNAL))
            if n <= 0 { return false }
            done += n
        }
        return true
    }

    static func sendAll(_ fd: Int32, _ text: String) -> Bool {
        Array(text.utf8).withUnsafeBytes { sendAll(fd, $0) }
    }

    private static func setTimeout(_ fd: Int32, _ option: Int32, seconds: Int) {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, option, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }
}
