import Foundation
import Glibc
import SkiffHost

/// A tap device in a network namespace of its own, for guest tests over a link QEMU's user
/// network cannot give: one with checksum and segmentation offload and several queues.
///
/// The namespace keeps tests (and CI runs beside a developer's) from seeing each other's
/// addresses: every link uses 10.77.0.1 for the host and 10.77.0.2 for the guest. QEMU runs
/// inside it (`ip netns exec`); the host side of a test enters it on one thread with `setns`.
/// Deleting the namespace deletes the tap. Needs root, as `make check` runs.
final class TapLink {
    static let hostAddress = "10.77.0.1"
    static let guestAddress = "10.77.0.2"
    static let device = "sktap0"
    nonisolated(unsafe) private static var created = 0
    private static let lock = NSLock()

    let namespace: String
    let ip: String

    /// Creates the namespace and a multi-queue tap with the host's address, up.
    init(queues: Int) throws {
        guard let ip = Subprocess.find("ip") else { throw SkiffError("the ip command (iproute2) is missing: run 'make deps'") }
        self.ip = ip
        let n = Self.lock.withLock {
            Self.created += 1
            return Self.created
        }
        namespace = "skiff-test-\(getpid())-\(n)"
        var steps: [[String]] = [["netns", "add", namespace]]
        var tap = ["-n", namespace, "tuntap", "add", "dev", Self.device, "mode", "tap"]
        if queues > 1 { tap.append("multi_queue") }
        steps += [
            tap,
            ["-n", namespace, "addr", "add", Self.hostAddress + "/24", "dev", Self.device],
            ["-n", namespace, "link", "set", Self.device, "up"],
            ["-n", namespace, "link", "set", "lo", "up"],
        ]
        for step in steps {
            let r = try Subprocess(ip, step).run()
            if r.status != 0 {
                remove()
                throw SkiffError("ip \(step.joined(separator: " ")) failed: \(r.errorText.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
        }
    }

    /// The command QEMU runs under.
    var launcher: [String] { [ip, "netns", "exec", namespace] }

    func remove() {
        _ = try? Subprocess(ip, ["netns", "delete", namespace]).run()
    }

    /// Runs `body` with the calling thread in the namespace (sockets it creates stay there),
    /// then returns the thread to where it was.
    func inside<R>(_ body: () throws -> R) throws -> R {
        let target = open("/var/run/netns/" + namespace, O_RDONLY)
        let home = open("/proc/thread-self/ns/net", O_RDONLY)
        defer {
            if target >= 0 { close(target) }
            if home >= 0 { close(home) }
        }
        guard target >= 0, home >= 0, let setns = Self.setns, setns(target, Self.newNetworkNamespace) == 0 else {
            throw SkiffError("cannot enter network namespace \(namespace): \(String(cString: strerror(errno)))")
        }
        defer { _ = setns(home, Self.newNetworkNamespace) }
        return try body()
    }

    /// glibc's setns(2), which Swift's Glibc module leaves out (it needs _GNU_SOURCE).
    private static let setns: (@convention(c) (Int32, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "setns") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
    }()
    private static let newNetworkNamespace: Int32 = 0x4000_0000  // CLONE_NEWNET

    /// The tap's packet and byte counters, from the host's side (rx: what the guest sent).
    struct Counters {
        var receivedPackets = 0, receivedBytes = 0, sentPackets = 0, sentBytes = 0
    }

    func counters() -> Counters {
        var c = Counters()
        guard let r = try? Subprocess(ip, ["-n", namespace, "-s", "-j", "link", "show", "dev", Self.device]).run(),
            let list = try? JSONSerialization.jsonObject(with: Data(r.standardOutput)) as? [[String: Any]],
            let stats = list.first?["stats64"] as? [String: Any],
            let rx = stats["rx"] as? [String: Any], let tx = stats["tx"] as? [String: Any]
        else { return c }
        c.receivedPackets = rx["packets"] as? Int ?? 0
        c.receivedBytes = rx["bytes"] as? Int ?? 0
        c.sentPackets = tx["packets"] as? Int ?? 0
        c.sentBytes = tx["bytes"] as? Int ?? 0
        return c
    }
}
