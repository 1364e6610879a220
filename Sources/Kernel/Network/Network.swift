#if SKIFF_KERNEL
import Trace
import Boot
import LinuxABI
import Net

/// The kernel's side of the TCP/IP stack: one `NetworkStack` behind a sleeping lock, driven
/// by the "net" kernel thread (received frames, timers) and by system calls (socket
/// operations).
///
/// After every call into the stack, `perform` hands the frames it produced to the drivers
/// and wakes the pollers of sockets whose readiness changed. The stack never calls back into
/// the kernel, so nothing here re-enters the lock.
enum Network {
    nonisolated(unsafe) static var stack = NetworkStack()
    nonisolated(unsafe) static let mutex = Mutex()
    nonisolated(unsafe) static var links: [NetworkLink] = []
    /// Socket nodes by `SocketID.index`, to find whom to wake.
    nonisolated(unsafe) static var nodes: [InternetSocket?] = []
    /// Signalled by receive interrupts, by transmit back-pressure and when a call moved the
    /// next timer deadline earlier.
    nonisolated(unsafe) static let wakeUp = Semaphore()
    /// The deadline the "net" thread sleeps until (monotonic ns; `UInt64.max` for none).
    nonisolated(unsafe) static var sleepingUntil: UInt64 = .max

    /// Adds an interface per network device, applies `--ip`, `--defaultgw` and `--nameserver`,
    /// starts DHCP and IPv6 autoconfiguration on the others, starts the "net" thread, and
    /// waits (up to `dhcpWait`) for DHCP leases so the application starts with an address, as
    /// on OSv.
    static func start(options: BootOptions) {
        var config = StackConfiguration()
        var seed: UInt64 = 0
        withUnsafeMutableBytes(of: &seed) { Entropy.fill($0) }
        config.randomSeed = seed
        stack = NetworkStack(configuration: config)
        var dhcp: [InterfaceID] = []
        for (index, device) in Devices.networkDevices.enumerated() {
            if let limit = options.maxNICs, index >= limit { break }
            let id = stack.addEthernetInterface(mac: device.macAddress, mtu: device.mtu, offloads: device.offloads)
            let link = NetworkLink(device: device, interface: id)
            links.append(link)
            device.onReceive = { wakeUp.signal() }
            stack.enableIPv6(on: id)
            if let s = options.staticAddresses.first(where: { $0.interface.utf8.elementsEqual(device.name.utf8) }) {
                let gateway = options.defaultGateway.map { Net.IPv4Address(rawValue: $0.rawValue) }
                stack.configureIPv4(
                    id, address: Net.IPv4Address(rawValue: s.address.rawValue),
                    prefixLength: s.netmask.rawValue.nonzeroBitCount,
                    gateway: gateway)
            } else {
                stack.startDHCP(on: id)
                dhcp.append(id)
            }
        }
        if !options.nameservers.isEmpty {
            stack.setNameServers(options.nameservers.map { .v4(Net.IPv4Address(rawValue: $0.rawValue)) })
        }
        stack.advance(to: Clock.monotonic)
        _ = Scheduler.spawnKernelThread("net") { run() }
        flush()
        guard !dhcp.isEmpty else { return }
        let deadline = Clock.monotonic &+ dhcpWait
        while Clock.monotonic < deadline {
            let leased = mutex.withLock { dhcp.allSatisfy { stack.dhcpLease(of: $0) != nil } }
            if leased { break }
            _ = Scheduler.sleep(until: Clock.monotonic &+ 5_000_000)
        }
        mutex.withLock {
            for id in dhcp {
                if let lease = stack.dhcpLease(of: id) {
                    var line = "net: " + name(of: id) + " \(lease.address)/\(lease.prefixLength)"
                    if let router = lease.router { line += " via \(router)" }
                    if !lease.dnsServers.isEmpty { line += ", dns \(lease.dnsServers[0])" }
                    log(line + " (DHCP)")
                } else {
                    log("net: " + name(of: id) + ": no DHCP lease yet; continuing in the background")
                }
            }
        }
    }

    /// How long the boot waits for DHCP.
    static let dhcpWait: UInt64 = 5_000_000_000

    static func name(of id: InterfaceID) -> String {
        if id == .loopback { return "lo" }
        return links.first { $0.interface == id }?.device.name ?? "?"
    }

    /// Runs `body` on the stack with the lock held, then sends what it produced and wakes the
    /// sockets it changed.
    static func perform<R>(_ body: (NetworkStack) throws(NetError) -> R) throws(NetError) -> R {
        mutex.lock()
        stack.advance(to: Clock.monotonic)
        let result: Result<R, NetError>
        do throws(NetError) { result = .success(try body(stack)) } catch { result = .failure(error) }
        let woken = collectChanges()
        mutex.unlock()
        finish(woken)
        return try result.get()
    }

    /// Under the lock: moves outgoing frames to the links, and gathers the nodes to wake.
    static func collectChanges() -> [InternetSocket] {
        for link in links {
            let frames = stack.takeOutgoingFrames(link.interface)
            if !frames.isEmpty { link.enqueue(frames) }
        }
        var woken: [InternetSocket] = []
        for id in stack.takeReadinessChanges() {
            let i = Int(id.index)
            if i < nodes.count, let node = nodes[i], node.id == id { woken.append(node) }
        }
        if let deadline = stack.nextTimerDeadline, deadline < sleepingUntil {
            sleepingUntil = deadline
            wakeUp.signal()
        }
        return woken
    }

    static func finish(_ woken: [InternetSocket]) {
        flush()
        for node in woken { node.pollHead.notify(node.readiness()) }
    }

    /// Hands queued frames to the devices; frames a full device refuses wait for the thread.
    static func flush() {
        for link in links where link.transmitPending() { wakeUp.signal() }
    }

    /// The "net" thread: received frames into the stack, due timers, then sleep until the
    /// next deadline or interrupt.
    static func run() -> Never {
        while true {
            var received: [(ReceivedFrame, InterfaceID)] = []
            for link in links {
                var budget = 256
                while budget > 0, let frame = link.device.receive() {
                    received.append((frame, link.interface))
                    budget -= 1
                }
                if budget == 0 { wakeUp.signal() }
            }
            mutex.lock()
            stack.advance(to: Clock.monotonic)
            for (frame, id) in received {
                Tracing.fire(.netReceive, UInt64(id.rawValue), UInt64(frame.bytes.count))
                stack.receive(frame: frame.bytes, on: id, checksumsVerified: frame.checksumsVerified)
            }
            let woken = collectChanges()
            var deadline = stack.nextTimerDeadline ?? .max
            for link in links where link.hasBacklog { deadline = min(deadline, Clock.monotonic &+ 1_000_000) }
            sleepingUntil = deadline
            mutex.unlock()
            finish(woken)
            wakeUp.wait(deadline: deadline == .max ? nil : deadline)
        }
    }

    // MARK: Socket nodes

    /// Records a new socket's node; called inside `perform`, with the lock held.
    static func insertLocked(_ node: InternetSocket) {
        let i = Int(node.id.index)
        while nodes.count <= i { nodes.append(nil) }
        nodes[i] = node
    }

    /// Reads the stack under the lock without advancing it (readiness checks).
    static func inspect<R>(_ body: (NetworkStack) throws(NetError) -> R) throws(NetError) -> R {
        mutex.lock()
        let result: Result<R, NetError>
        do throws(NetError) { result = .success(try body(stack)) } catch { result = .failure(error) }
        mutex.unlock()
        return try result.get()
    }

    /// At power-off: gives TCP up to `limit` nanoseconds to deliver what applications sent
    /// before they exited. A server that writes its last reply and exits would otherwise lose
    /// it with the VM, as the guest test with two host clients once did; on Linux the machine
    /// outlives the process.
    static func drain(within limit: UInt64) {
        guard !links.isEmpty else { return }
        let deadline = Clock.monotonic &+ limit
        while (try? inspect({ $0.hasUnacknowledgedData })) == true && Clock.monotonic < deadline {
            Scheduler.sleep(until: min(Clock.monotonic &+ 5_000_000, deadline))
        }
    }

    static func unregister(_ node: InternetSocket) {
        mutex.withLock {
            let i = Int(node.id.index)
            if i < nodes.count, nodes[i] === node { nodes[i] = nil }
        }
    }
}

/// A network device and the stack interface it carries, with the frames the device has not
/// taken yet.
final class NetworkLink {
    let device: any NetworkDevice
    let interface: InterfaceID
    private let lock = SpinLock()
    private var backlog: [OutgoingFrame] = []
    private var head = 0
    /// Frames dropped because the backlog was full.
    private(set) var dropped = 0
    static let backlogLimit = 4096

    init(device: any NetworkDevice, interface: InterfaceID) {
        self.device = device
        self.interface = interface
    }

    var hasBacklog: Bool { lock.withLock { head < backlog.count } }

    func enqueue(_ frames: [OutgoingFrame]) {
        lock.withLock {
            for f in frames {
                if backlog.count - head >= Self.backlogLimit {
                    dropped += 1
                } else {
                    backlog.append(f)
                }
            }
        }
    }

    /// Sends what the device accepts, in order; true when frames are left over.
    func transmitPending() -> Bool {
        lock.withLock {
            while head < backlog.count {
                do throws(NetworkDeviceError) {
                    try device.transmit(backlog[head])
                    Tracing.fire(.netTransmit, UInt64(interface.rawValue), UInt64(backlog[head].bytes.count))
                } catch {
                    if error == .queueFull { break }
                    dropped += 1  // a frame the device cannot carry
                }
                head += 1
            }
            if head == backlog.count {
                backlog.removeAll(keepingCapacity: true)
                head = 0
                return false
            }
            return true
        }
    }
}
#endif
