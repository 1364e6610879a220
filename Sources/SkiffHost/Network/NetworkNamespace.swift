import Foundation
import Glibc
import SkiffHost

/// A network namespace of a run's own, holding one tap device with the host's address. QEMU
/// (through `ip netns exec`), wrk and the harness's sockets all work inside it, so the guest's
/// network is private to the run: nothing on the host's own network changes, and the address
/// cannot collide with one the host uses — nor with another run's (a benchmark, guest tests
/// running side by side, a CI run beside a developer's). Needs root.
public final class NetworkNamespace: @unchecked Sendable {
    public let name: String
    /// The tap device inside the namespace, which QEMU attaches to.
    public let device: String
    private let ip: String
    private var deleted = false
    private let lock = NSLock()

    /// Names are `PREFIX-PID` or `PREFIX-PID-N` (`skiff-bench-`, `skiff-test-`), so a namespace a
    /// killed run left behind can be told from one another run still uses.
    static let prefixes = ["skiff-bench-", "skiff-test-"]
    nonisolated(unsafe) private static var created = 0
    private static let counterLock = NSLock()

    private init(name: String, device: String, ip: String) {
        self.name = name
        self.device = device
        self.ip = ip
    }

    /// Creates the namespace with `lo` and the tap `device` up, the tap holding `hostAddress`
    /// (`ADDRESS/PREFIX`); `multiQueue` for a NIC with several queue pairs. `prefix` is one of
    /// `prefixes`; several namespaces of one process are numbered. Throws with what `ip` said,
    /// having removed whatever it had made.
    public static func create(
        prefix: String = "skiff-bench-", device: String, hostAddress: String, multiQueue: Bool = false
    ) throws -> NetworkNamespace {
        guard let ip = ["ip", "/usr/sbin/ip", "/sbin/ip"].lazy.compactMap(Subprocess.find).first else {
            throw SkiffError("ip is missing: install iproute2 (make deps)")
        }
        let number: Int = counterLock.withLock {
            if created == 0 { removeAbandoned(ip: ip) }
            created += 1
            return created
        }
        let name = prefix + String(getpid()) + (number == 1 ? "" : "-\(number)")
        let namespace = NetworkNamespace(name: name, device: device, ip: ip)
        try namespace.ip(["netns", "add", namespace.name])
        do {
            let inside = ["-n", namespace.name]
            try namespace.ip(inside + ["link", "set", "lo", "up"])
            try namespace.ip(inside + ["tuntap", "add", "dev", device, "mode", "tap"] + (multiQueue ? ["multi_queue"] : []))
            try namespace.ip(inside + ["address", "add", hostAddress, "dev", device])
            try namespace.ip(inside + ["link", "set", device, "up"])
            guard let probe = namespace.tcpSocket() else { throw SkiffError("cannot open a socket in network namespace \(namespace.name)") }
            close(probe)
        } catch {
            namespace.delete()
            throw error
        }
        return namespace
    }

    /// The command prefix that runs a program inside the namespace.
    public var execPrefix: [String] { [ip, "netns", "exec", name] }

    /// Ends what still runs inside (`ip netns pids`: a QEMU or wrk of an interrupted run, which
    /// Foundation starts in process groups of their own, out of reach of Ctrl-C) and removes the
    /// namespace; its tap goes with it. Safe to call more than once.
    public func delete() {
        let first = lock.withLock {
            defer { deleted = true }
            return !deleted
        }
        guard first else { return }
        if let inside = try? Subprocess(ip, ["netns", "pids", name]).run() {
            for pid in inside.outputText.split(separator: "\n").compactMap({ Int32($0) }) { kill(pid, SIGTERM) }
        }
        _ = try? Subprocess(ip, ["netns", "delete", name]).run()
    }

    /// Deletes the namespace when the run is interrupted (Ctrl-C, kill, the terminal closing) and
    /// then exits as the signal would have; the normal and failing paths delete it themselves.
    /// The handler only writes the signal's number to a pipe, and a thread waiting on it does the
    /// work. (A handler, unlike SIG_IGN, is reset by exec: QEMU and wrk still die of Ctrl-C.)
    public func deleteOnSignals() {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return }
        Self.signalPipe = ends[1]
        let readEnd = ends[0]
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number) { received in
                var byte = UInt8(truncatingIfNeeded: received)
                _ = write(NetworkNamespace.signalPipe, &byte, 1)
            }
        }
        Thread.detachNewThread { [self] in
            var byte: UInt8 = 0
            while read(readEnd, &byte, 1) != 1 {}
            delete()
            exit(128 + Int32(byte))
        }
    }

    /// The write end of `deleteOnSignals`' pipe, for the signal handler, which captures nothing.
    nonisolated(unsafe) private static var signalPipe: Int32 = -1

    /// A TCP socket in the namespace, or nil. A thread of its own joins the namespace to make it
    /// (setns moves only the calling thread) and then ends; the socket stays in the namespace it
    /// was made in, whichever thread uses it.
    public func tcpSocket() -> Int32? { socket(family: AF_INET, type: Int32(SOCK_STREAM.rawValue)) }

    /// A socket of any family and type in the namespace, made the same way.
    public func socket(family: Int32, type: Int32) -> Int32? {
        guard let setns = Self.setns else { return nil }
        final class Made: @unchecked Sendable { var value: Int32? = nil }
        let made = Made()
        let done = DispatchSemaphore(value: 0)
        let path = "/run/netns/" + name
        Thread.detachNewThread {
            defer { done.signal() }
            let handle = open(path, O_RDONLY | O_CLOEXEC)
            guard handle >= 0 else { return }
            defer { close(handle) }
            guard setns(handle, Self.networkNamespaceType) == 0 else { return }
            let fd = Glibc.socket(family, type, 0)
            if fd >= 0 { made.value = fd }
        }
        done.wait()
        return made.value
    }

    /// glibc's setns(2), which Swift's Glibc module does not import.
    private static let setns: (@convention(c) (Int32, Int32) -> Int32)? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "setns") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
    }()
    /// CLONE_NEWNET, not imported either.
    private static let networkNamespaceType: Int32 = 0x4000_0000

    private func ip(_ arguments: [String]) throws {
        let result = try Subprocess(ip, arguments).run()
        guard result.status == 0 else {
            let said = result.errorText.trimmingCharacters(in: .whitespacesAndNewlines)
            throw SkiffError("ip \(arguments.joined(separator: " ")): \(said.isEmpty ? "exit status \(result.status)" : said)")
        }
    }

    /// Deletes the namespaces of runs whose process no longer exists (killed before they could).
    private static func removeAbandoned(ip: String) {
        guard let list = try? Subprocess(ip, ["netns", "list"]).run() else { return }
        for line in list.outputText.split(separator: "\n") {
            guard let word = line.split(separator: " ").first, let prefix = prefixes.first(where: { word.hasPrefix($0) }),
                let pid = Int32(word.dropFirst(prefix.count).prefix { $0 != "-" }), kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            _ = try? Subprocess(ip, ["netns", "delete", String(word)]).run()
        }
    }

    /// The tap's packet and byte counters as the host sees them: `received` is what the guest
    /// sent. Zero when `ip` cannot say.
    public struct Counters: Sendable {
        public var receivedPackets = 0, receivedBytes = 0, sentPackets = 0, sentBytes = 0
    }

    /// The tap's interface index in the namespace: the scope of link-local IPv6 addresses.
    public func deviceIndex() -> UInt32? {
        (tapDescription(statistics: false)?["ifindex"] as? Int).map { UInt32($0) }
    }

    public func counters() -> Counters {
        var c = Counters()
        guard let stats = tapDescription(statistics: true)?["stats64"] as? [String: Any],
            let rx = stats["rx"] as? [String: Any], let tx = stats["tx"] as? [String: Any]
        else { return c }
        c.receivedPackets = rx["packets"] as? Int ?? 0
        c.receivedBytes = rx["bytes"] as? Int ?? 0
        c.sentPackets = tx["packets"] as? Int ?? 0
        c.sentBytes = tx["bytes"] as? Int ?? 0
        return c
    }

    /// What `ip -j link show` says of the tap (with `-s`, its counters too); nil when it cannot.
    private func tapDescription(statistics: Bool) -> [String: Any]? {
        let arguments = ["-n", name] + (statistics ? ["-s"] : []) + ["-j", "link", "show", "dev", device]
        guard let r = try? Subprocess(ip, arguments).run(),
            let list = try? JSONSerialization.jsonObject(with: Data(r.standardOutput)) as? [[String: Any]]
        else { return nil }
        return list.first
    }
}
