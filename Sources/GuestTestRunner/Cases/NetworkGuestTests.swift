/// Sockets and the TCP/IP stack: loopback and AF_UNIX checks inside the guest, and traffic
/// between the guest and the host through QEMU's user network (QEMU 7.2 forwards host ports
/// to guest IPv4 only, so the IPv6 check has the guest connect out).
let networkGuestTests: [GuestTest] = [
    GuestTest(
        "sockets: TCP/UDP over 127.0.0.1 and ::1, AF_UNIX with SCM_RIGHTS, epoll, getifaddrs (musl static)",
        "--quiet /bin/net-static", machines: [.q35, .microvm], status: 0,
        expect: [.matches(#"^[0-9]+ passed, 0 failed$"#), .contains("interface lo 127.0.0.1")], cpus: 2,
        programs: ["net-static"]),
    GuestTest(
        "sockets (glibc dynamic) with a NIC: getifaddrs lists eth0's DHCP address",
        "/bin/net-dynamic", status: 0,
        expect: [
            .matches(#"^[0-9]+ passed, 0 failed$"#), .contains("interface eth0 10.0.2.15"),
            .matches(#"net: eth0 10\.0\.2\.15/24 via 10\.0\.2\.2, dns 10\.0\.2\.3 \(DHCP\)"#),
        ],
        programs: ["net-dynamic"], network: true),
    GuestTest(
        "/etc/resolv.conf and /etc/hosts from DHCP: libc resolves the machine's name (musl static)",
        "--quiet /bin/net-static resolver 10.0.2.15", status: 0,
        expect: [.contains("resolver: skiff is 10.0.2.15"), .matches(#"^[0-9]+ passed, 0 failed$"#)],
        programs: ["net-static"], network: true),
    GuestTest(
        "/etc/hosts through glibc's NSS", "--quiet /bin/net-dynamic resolver 10.0.2.15", status: 0,
        expect: [.contains("resolver: skiff is 10.0.2.15"), .matches(#"^[0-9]+ passed, 0 failed$"#)],
        programs: ["net-dynamic"], network: true),
    GuestTest(
        "a TCP client in the guest reaches a host server over IPv4 (10.0.2.2)", "--quiet /bin/net-static client 10.0.2.2 {port}",
        machines: [.q35, .microvm], status: 0, expect: [.contains("reply: pong: ping from skiff")], programs: ["net-static"],
        network: true, hostPeer: .echoServer),
    GuestTest(
        "a TCP client in the guest reaches a host server over IPv6 (SLAAC address, fec0::2)",
        "--quiet /bin/net-static client fec0::2 {port}", status: 0, expect: [.contains("reply: pong: ping from skiff")],
        programs: ["net-static"], network: true, hostPeer: .echoServer),
    GuestTest(
        "a UDP exchange between the guest and a host server over IPv4 (10.0.2.2)",
        "--quiet /bin/net-static client 10.0.2.2 {port} udp", machines: [.q35, .microvm], status: 0,
        expect: [.contains("reply: pong: ping from skiff")], programs: ["net-static"], network: true,
        hostPeer: .udpEchoServer),
    GuestTest(
        "a UDP exchange with a host server over IPv6 (fec0::2)", "--quiet /bin/net-static client fec0::2 {port} udp",
        status: 0, expect: [.contains("reply: pong: ping from skiff")], programs: ["net-static"], network: true,
        hostPeer: .udpEchoServer),
    GuestTest(
        "a TCP server in the guest answers host clients through a port forward", "--quiet /bin/net-static server {port} 2",
        machines: [.q35, .microvm], status: 0,
        expect: [.contains("listening on port 8080"), .contains("received: ping from host")], programs: ["net-static"],
        network: true, hostPeer: .client(guestPort: 8080, connections: 2)),
    GuestTest(
        "a UDP server in the guest answers a host client through a port forward",
        "--quiet /bin/net-static server {port} 3 udp", machines: [.q35, .microvm], status: 0,
        expect: [.contains("listening on port 5353 (UDP over IPv4)"), .contains("received: ping from host")],
        programs: ["net-static"], network: true, hostPeer: .udpClient(guestPort: 5353, datagrams: 3)),
    GuestTest(
        "a TCP server in the guest answers host clients over IPv6 (link-local, on a tap)",
        "--ip=eth0,10.77.0.2,255.255.255.0 --quiet /bin/net-static server {port} 2 v6", machines: [.q35, .microvm], status: 0,
        expect: [.contains("listening on port 8080 (TCP over IPv6)"), .contains("client fe80::"), .contains("received: ping from host")],
        programs: ["net-static"], tap: true, hostPeer: .linkClient(guestPort: 8080, exchanges: 2, udp: false)),
    GuestTest(
        "a UDP server in the guest answers a host client over IPv6 (link-local, on a tap)",
        "--ip=eth0,10.77.0.2,255.255.255.0 --quiet /bin/net-static server {port} 3 udp v6", status: 0,
        expect: [.contains("listening on port 5353 (UDP over IPv6)"), .contains("client fe80::"), .contains("received: ping from host")],
        programs: ["net-static"], tap: true, hostPeer: .linkClient(guestPort: 5353, exchanges: 3, udp: true)),
    GuestTest(
        "over a multi-queue tap with offloads and a static --ip: 48 MiB each way intact, checksums and segments left to the NIC",
        "--ip=eth0,10.77.0.2,255.255.255.0 --defaultgw=10.77.0.1 --nameserver=10.77.0.1 --verbose /bin/net-static stream 5001 48",
        machines: [.q35, .microvm], status: 0,
        expect: [
            .matches(#"virtio-net (pci|mmio) .*: eth0, .*offloads csum tso4 tso6 rx-csum lro4 lro6 mrg-rxbuf, 2 queue pairs$"#),
            .contains("stream: received 48 MiB intact, sent 48 MiB"), .lacks("DHCP"),
        ],
        cpus: 2, timeout: 180, programs: ["net-static"], tap: true, hostPeer: .stream(guestPort: 5001, mebibytes: 48)),
]
