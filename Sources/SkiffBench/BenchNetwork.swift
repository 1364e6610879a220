import Foundation
import SkiffHost

/// The network the workloads with a server in the guest run over, the same for both systems in
/// one run. A tap device is the real path a guest's NIC takes; QEMU's user network instead
/// relays every connection through its own TCP/IP emulation (slirp), which under TCG is a large
/// share of each request, so the tap is used whenever it can be made.
enum BenchNetwork {
    /// A tap in a network namespace of the run's own; QEMU and the host's clients run inside it.
    case tap(NetworkNamespace)
    /// QEMU's user network with a port forward from 127.0.0.1, and why the tap is not used.
    case user(reason: String)

    static let hostAddress = "10.77.0.1"
    static let guestAddress = "10.77.0.2"
    static let netmask = "255.255.255.0"
    /// The tap's name inside the namespace (which no other device shares).
    static let device = "skiff-tap0"

    /// The tap network, or the user network with the reason when the tap cannot be made (not
    /// root, no /dev/net/tun, no iproute2) or `tap` is false (`--network user`).
    static func setUp(tap: Bool) -> BenchNetwork {
        guard tap else { return .user(reason: "as asked by --network user") }
        do {
            let namespace = try NetworkNamespace.create(device: device, hostAddress: hostAddress + "/24")
            namespace.deleteOnSignals()
            return .tap(namespace)
        } catch let error as SkiffError {
            return .user(reason: "no tap network: " + error.message)
        } catch {
            return .user(reason: "no tap network: \(error)")
        }
    }

    /// Removes what `setUp` made.
    func tearDown() {
        if case .tap(let namespace) = self { namespace.delete() }
    }

    var summary: String {
        switch self {
        case .tap(let namespace):
            "virtio-net on tap \(namespace.device) in network namespace \(namespace.name) "
                + "(host \(Self.hostAddress), guest \(Self.guestAddress)/24)"
        case .user(let reason):
            "virtio-net on QEMU's user network with a port forward (\(reason))"
        }
    }

    /// Kernel command-line words that give the guest its address. On the tap both systems get
    /// the same static address: Skiff through its OSv-style options, Linux through its /init,
    /// which reads Linux's unknown NAME=VALUE words from its environment (GuestTests/linux/init.c).
    /// On the user network Skiff asks QEMU's DHCP server and Linux's /init sets what it would hand out.
    func bootOptions(for kind: SystemKind) -> [String] {
        guard case .tap = self else { return [] }
        switch kind {
        case .skiff:
            return ["--ip=eth0,\(Self.guestAddress),\(Self.netmask)", "--defaultgw=\(Self.hostAddress)"]
        case .linux:
            return [
                "skiff_bench_ip=\(Self.guestAddress)", "skiff_bench_netmask=\(Self.netmask)",
                "skiff_bench_gateway=\(Self.hostAddress)",
            ]
        }
    }

    /// Gives `vm` its NIC on this network and returns where the host reaches `guestPort`.
    func attach(_ vm: inout VirtualMachine, guestPort: Int) -> GuestEndpoint {
        switch self {
        case .tap(let namespace):
            vm.network = .tap(namespace.device)
            vm.launcher = namespace.execPrefix
            return GuestEndpoint(address: Self.guestAddress, port: guestPort, namespace: namespace)
        case .user:
            let hostPort = Loopback.freePort()
            vm.network = .user
            vm.forwards = [VirtualMachine.PortForward(hostPort: hostPort, guestPort: guestPort)]
            return GuestEndpoint(address: "127.0.0.1", port: hostPort, namespace: nil)
        }
    }
}
