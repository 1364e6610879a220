import Foundation
import Glibc
import SkiffHost

/// A network namespace of the run's own, holding one tap device with the host's address. QEMU
/// (through `ip netns exec`), wrk and the harness's sockets all work inside it, so the guest's
/// network is private to the run: nothing on the host's own network changes, and the address
/// cannot collide with one the host uses.
final class NetworkNamespace: @unchecked Sendable {
    let name: String
    /// The tap device inside the namespace, which QEMU attaches to.
    let device: String
    private let ip: String
    private var deleted = false
    private let lock = NSLock()

    /// Names are `skiff-bench-PID`, so a namespace a killed run left behind can be told from one
    /// another run still uses.
    static let prefix = "skiff-bench-"

    private init(name: String, device: String, ip: String) {
        self.name = name
        self.device = device
        self.ip = ip
    }

    /// Creates the namespace with `lo` and the tap `device` up, the tap holding `hostAddress`
    /// (`ADDRESS/PREFIX`). Throws with what `ip` said, having removed whatever it had made.
    static func create(device: String, hostAddress: String) throws -> NetworkNamespace {
        guard let ip = ["ip", "/usr/sbin/ip", "/sbin/ip"].lazy.compactMap(Subprocess.find).first else {
            throw SkiffError("ip is missing: install iproute2")
        }
        removeAbandoned(ip: ip)
        let namespace = NetworkNamespace(name: prefix + String(getpid()), device: device, ip: ip)
        try namespace.ip(["netns", "add", namespace.name])
        do {
            let inside = ["-n", namespace.name]
            try namespace.ip(inside + ["link", "set", "lo", "up"])
            try namespace.ip(inside + ["tuntap", "add", "dev", device, "mode", "tap"])
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
    var execPrefix: [String] { [ip, "netns", "exec", name] }

    /// Ends what still runs inside (`ip netns pids`: a QEMU or wrk of an interrupted run, which
    /// Foundation starts in process groups of their own, out of reach of Ctrl-C) and removes the
    /// namespace; its tap goes with it. Safe to call more than once.
    func delete() {
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
    func deleteOnSignals() {
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
    func tcpSocket() -> Int32? {
        guard let setns = Self.setns else { return nil }
        let made = Outcome<Int32>()
        let done = DispatchSemaphore(value: 0)
        let path = "/run/netns/" + name
        Thread.detachNewThread {
            defer { done.signal() }
            let handle = open(path, O_RDONLY | O_CLOEXEC)
            guard handle >= 0 else { return }
            defer { close(handle) }
            guard setns(handle, Self.networkNamespaceType) == 0 else { return }
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
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
            guard let word = line.split(separator: " ").first, word.hasPrefix(prefix),
                let pid = Int32(word.dropFirst(prefix.count)), kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            _ = try? Subprocess(ip, ["netns", "delete", String(word)]).run()
        }
    }
}
