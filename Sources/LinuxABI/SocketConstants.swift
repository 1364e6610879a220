/// Socket-layer constants of the Linux x86_64 ABI (linux/socket.h, asm-generic/socket.h,
/// linux/sockios.h, linux/if.h).
public enum SocketConstants {
    // Address families.
    public static let AF_UNSPEC: Int32 = 0
    public static let AF_UNIX: Int32 = 1
    public static let AF_INET: Int32 = 2
    public static let AF_INET6: Int32 = 10
    public static let AF_NETLINK: Int32 = 16
    public static let AF_PACKET: Int32 = 17

    // Types and the flags `socket` and `accept4` take with them.
    public static let SOCK_STREAM: Int32 = 1
    public static let SOCK_DGRAM: Int32 = 2
    public static let SOCK_RAW: Int32 = 3
    public static let SOCK_SEQPACKET: Int32 = 5
    public static let SOCK_TYPE_MASK: Int32 = 0xF
    public static let SOCK_NONBLOCK: Int32 = 0o4000
    public static let SOCK_CLOEXEC: Int32 = 0o2000000

    // Message flags.
    public static let MSG_OOB: Int32 = 0x1
    public static let MSG_PEEK: Int32 = 0x2
    public static let MSG_CTRUNC: Int32 = 0x8
    public static let MSG_TRUNC: Int32 = 0x20
    public static let MSG_DONTWAIT: Int32 = 0x40
    public static let MSG_EOR: Int32 = 0x80
    public static let MSG_WAITALL: Int32 = 0x100
    public static let MSG_NOSIGNAL: Int32 = 0x4000
    public static let MSG_MORE: Int32 = 0x8000
    public static let MSG_WAITFORONE: Int32 = 0x10000
    public static let MSG_CMSG_CLOEXEC: Int32 = 0x4000_0000

    // Levels and options handled by the socket layer itself.
    public static let SOL_SOCKET: Int32 = 1
    public static let SO_TYPE: Int32 = 3
    public static let SO_ERROR: Int32 = 4
    public static let SO_SNDBUF: Int32 = 7
    public static let SO_RCVBUF: Int32 = 8
    public static let SO_LINGER: Int32 = 13
    public static let SO_PASSCRED: Int32 = 16
    public static let SO_PEERCRED: Int32 = 17
    public static let SO_RCVTIMEO: Int32 = 20
    public static let SO_SNDTIMEO: Int32 = 21
    public static let SO_ACCEPTCONN: Int32 = 30
    public static let SO_PROTOCOL: Int32 = 38
    public static let SO_DOMAIN: Int32 = 39
    public static let SCM_RIGHTS: Int32 = 1
    public static let SCM_CREDENTIALS: Int32 = 2

    public static let SHUT_RD: Int32 = 0
    public static let SHUT_WR: Int32 = 1
    public static let SHUT_RDWR: Int32 = 2

    // Interface requests (struct ifreq is 40 bytes: 16 for the name, 24 for the union).
    public static let SIOCGIFNAME = 0x8910
    public static let SIOCGIFCONF = 0x8912
    public static let SIOCGIFFLAGS = 0x8913
    public static let SIOCGIFADDR = 0x8915
    public static let SIOCGIFBRDADDR = 0x8919
    public static let SIOCGIFNETMASK = 0x891B
    public static let SIOCGIFMTU = 0x8921
    public static let SIOCGIFHWADDR = 0x8927
    public static let SIOCGIFINDEX = 0x8933
    public static let SIOCOUTQ = 0x5411
    public static let ifreqSize = 40
    public static let IFNAMSIZ = 16

    public static let IFF_UP: UInt32 = 0x1
    public static let IFF_BROADCAST: UInt32 = 0x2
    public static let IFF_LOOPBACK: UInt32 = 0x8
    public static let IFF_RUNNING: UInt32 = 0x40
    public static let IFF_MULTICAST: UInt32 = 0x1000
    public static let ARPHRD_ETHER: UInt16 = 1
    public static let ARPHRD_LOOPBACK: UInt16 = 772

    /// `sizeof(struct msghdr)` and `struct mmsghdr` on x86_64.
    public static let msghdrSize = 56
    public static let mmsghdrSize = 64
    /// `sizeof(struct cmsghdr)`; control data is 8-byte aligned.
    public static let cmsghdrSize = 16

    /// CMSG_ALIGN.
    public static func controlAlign(_ n: Int) -> Int { (n + 7) & ~7 }
}
