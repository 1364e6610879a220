/// Skiff's TCP/IP stack: interfaces, address resolution, routes and sockets, driven entirely
/// by its caller.
///
/// ## Driving the stack
///
/// The stack has no threads, interrupts or clock of its own. The kernel
/// - passes every received frame to ``receive(frame:on:)``;
/// - calls ``advance(to:)`` with the monotonic time when ``nextTimerDeadline`` is reached (and
///   before other calls, so the stack's notion of "now" is current);
/// - drains each interface's outgoing frames with ``takeTransmitQueue(_:)`` after every call;
/// - asks ``takeReadinessChanges()`` which sockets to re-poll, to wake blocked threads and
///   epoll waiters.
///
/// Nothing calls back into the kernel, so the kernel can hold its network lock across a call.
/// Loopback traffic (`127.0.0.0/8`, `::1`, and the host's own addresses) is delivered inside
/// the call that produced it.
///
/// ## Time
///
/// "Now" is the latest time given to ``advance(to:)``; it never goes backwards. Timer
/// deadlines are absolute times on the same clock. Every timer — retransmission, delayed ACK,
/// persist, keepalive, TIME-WAIT, ARP/ND retries, duplicate address detection, router
/// solicitation, address and route lifetimes, fragment reassembly, DHCP — is a deadline stored
/// with its object; ``nextTimerDeadline`` is their minimum and ``advance(to:)`` runs the due
/// ones. Finding them is a scan over sockets and interfaces (fine for hundreds of sockets; a
/// timer wheel is the upgrade path for many thousands).
///
/// ## Buffers
///
/// Frames are `[UInt8]`; parsers read them through ``PacketView`` windows without copying, and
/// outgoing packets are built in one array with room for the link header. Stream sockets
/// have byte rings (``ByteRing``) for send and receive data that grow on demand up to
/// `SO_SNDBUF`/`SO_RCVBUF`; the send ring keeps bytes until acknowledged, so retransmission
/// reads from it. Out-of-order TCP data waits in a merged block list that doubles as the SACK
/// information. Datagram sockets keep a bounded queue of datagrams. Every queue is bounded
/// (windows, `datagramQueueLimit`, neighbour queues, reassembly slots, transmit queues).
///
/// ## Not implemented
///
/// Forwarding, IP options (skipped), IPv6 fragments (dropped) and extension headers other than
/// hop-by-hop, routing (no segments left) and destination options (skipped), multicast
/// membership beyond all-nodes and solicited-node groups, path MTU discovery (TCP sends no DF),
/// TCP urgent data, TCP Fast Open, ECN, SYN cookies, CUBIC (NewReno with SACK-driven hole
/// retransmission is used), DHCP address conflict detection (DECLINE) and INIT-REBOOT, DHCPv6.
public final class NetworkStack {
    public let configuration: StackConfiguration
    /// The stack's clock: the latest time passed to ``advance(to:)``.
    public private(set) var now: Nanoseconds = 0

    var random: SplitMix64
    /// Secret for initial sequence numbers (RFC 6528).
    let isnSecret: UInt64
    var interfaces: [Interface] = []
    public internal(set) var routes: [Route] = []
    /// DNS servers from static configuration, DHCP or router advertisements (RDNSS).
    public internal(set) var nameServers: [IPAddress] = []

    var sockets = SocketTable()
    var connections = ConnectionTable()
    var tcpPorts = PortIndex()
    var udpPorts = PortIndex()
    var icmpPorts = PortIndex()
    var reassembler = IPv4Reassembler()
    /// Frames sent to the loopback interface, delivered before the current call returns.
    var loopbackQueue: [[UInt8]] = []
    var loopbackHead = 0
    var readinessChanges: [SocketID] = []
    var ipIdentification: UInt16 = 0
    /// Set while a frame whose checksums the device vouched for is being processed.
    var receivedChecksumsVerified = false
    var icmpErrorBudget = 0
    var icmpBudgetTime: Nanoseconds = 0
    /// IPv6 addresses given up because duplicate address detection found them in use.
    public internal(set) var duplicateAddresses = 0
    /// Bumped when addresses change, so the kernel can tell (e.g. to print a DHCP lease).
    public internal(set) var configurationGeneration = 0

    /// Packets dropped, by reason.
    public internal(set) var drops = DropCounters()
    public internal(set) var tcpStatistics = TCPStatistics()

    public init(configuration: StackConfiguration = StackConfiguration()) {
        self.configuration = configuration
        random = SplitMix64(seed: configuration.randomSeed)
        isnSecret = random.next()
        ipIdentification = UInt16(truncatingIfNeeded: random.next())
        let lo = Interface(id: .loopback, mac: .zero, mtu: 65536, isLoopback: true)
        lo.ipv4Addresses = [IPv4InterfaceAddress(address: .loopback, prefixLength: 8)]
        lo.ipv6Addresses = [
            IPv6InterfaceAddress(
                address: .loopback, prefixLength: 128, origin: .manual, isTentative: false, preferredUntil: nil,
                validUntil: nil)
        ]
        lo.ipv6Enabled = true
        interfaces.append(lo)
    }

    // MARK: Interfaces

    /// Adds an Ethernet interface; IPv4 needs ``configureIPv4(_:address:prefixLength:gateway:)``
    /// or ``startDHCP(on:)``, IPv6 needs ``enableIPv6(on:)``.
    /// `offloads` is what the driver negotiated with the device (``LinkOffloads``).
    public func addEthernetInterface(mac: MACAddress, mtu: Int = 1500, offloads: LinkOffloads = []) -> InterfaceID {
        let id = InterfaceID(rawValue: UInt32(truncatingIfNeeded: interfaces.count &+ 1))
        let i = Interface(id: id, mac: mac, mtu: Swift.max(576, Swift.min(mtu, 65535)), isLoopback: false)
        i.offloads = offloads.contains(.transmitChecksum) ? offloads : []
        interfaces.append(i)
        return id
    }

    public func offloads(of id: InterfaceID) -> LinkOffloads { interface(id)?.offloads ?? [] }

    public var interfaceIDs: [InterfaceID] { interfaces.map { $0.id } }

    func interface(_ id: InterfaceID) -> Interface? {
        let i = Int(id.rawValue) &- 1
        return i >= 0 && i < interfaces.count ? interfaces[i] : nil
    }

    public func macAddress(of id: InterfaceID) -> MACAddress? { interface(id)?.mac }
    public func mtu(of id: InterfaceID) -> Int? { interface(id)?.mtu }
    public func statistics(of id: InterfaceID) -> InterfaceStatistics? { interface(id)?.statistics }
    public func ipv4Addresses(of id: InterfaceID) -> [IPv4InterfaceAddress] { interface(id)?.ipv4Addresses ?? [] }
    public func ipv6Addresses(of id: InterfaceID) -> [IPv6InterfaceAddress] { interface(id)?.ipv6Addresses ?? [] }

    /// Changes the MTU (e.g. from DHCP option 26 or a router advertisement).
    public func setMTU(_ mtu: Int, on id: InterfaceID) {
        guard let i = interface(id), !i.isLoopback else { return }
        i.mtu = Swift.max(576, Swift.min(mtu, 65535))
    }

    /// Statically assigns an IPv4 address, its subnet route and optionally a default route
    /// through `gateway`, then announces the address with a gratuitous ARP.
    public func configureIPv4(_ id: InterfaceID, address: IPv4Address, prefixLength: Int, gateway: IPv4Address? = nil) {
        guard let i = interface(id), !i.isLoopback else { return }
        assignIPv4(i, address: address, prefixLength: prefixLength, gateway: gateway, origin: .manual)
    }

    func assignIPv4(_ i: Interface, address: IPv4Address, prefixLength: Int, gateway: IPv4Address?, origin: Route.Origin) {
        let prefix = Swift.max(0, Swift.min(prefixLength, 32))
        removeIPv4(i)
        i.ipv4Addresses = [IPv4InterfaceAddress(address: address, prefixLength: prefix)]
        let network = IPv4Address(rawValue: address.rawValue & IPv4Address.mask(prefixLength: prefix))
        routes.append(Route(destination: .v4(network), prefixLength: prefix, gateway: nil, interface: i.id, origin: .connected))
        if let gateway, !gateway.isAny {
            routes.append(Route(destination: .v4(.any), prefixLength: 0, gateway: .v4(gateway), interface: i.id, origin: origin))
        }
        configurationGeneration &+= 1
        sendGratuitousARP(i, address: address)
    }

    /// Removes the interface's IPv4 addresses and the routes through it.
    func removeIPv4(_ i: Interface) {
        i.ipv4Addresses = []
        routes.removeAll { $0.interface == i.id && $0.destination.isV4 }
        i.arp.removeAll()
        configurationGeneration &+= 1
    }

    /// Replaces the DNS server list (static configuration).
    public func setNameServers(_ servers: [IPAddress]) {
        nameServers = servers
        configurationGeneration &+= 1
    }

    public func addRoute(_ route: Route) { routes.append(route) }

    // MARK: Driving

    /// Moves the clock to `time` (never backwards) and runs every timer due by then.
    public func advance(to time: Nanoseconds) {
        if time > now { now = time }
        runTimers()
        flushLoopback()
    }

    /// The earliest time at which ``advance(to:)`` has work to do; nil when nothing is pending.
    /// May be in the past (call `advance` right away).
    public var nextTimerDeadline: Nanoseconds? {
        if loopbackHead < loopbackQueue.count { return now }
        var d: Nanoseconds? = reassembler.nextDeadline
        for i in interfaces {
            d = d.earliest(i.arp.nextDeadline)
            d = d.earliest(i.neighbors6.nextDeadline)
            d = d.earliest(ipv6Deadline(i))
            d = d.earliest(i.dhcp?.deadline)
        }
        for route in routes { d = d.earliest(route.expires) }
        for slot in sockets.slots {
            if let s = slot?.tcp { d = d.earliest(s.nextDeadline) }
        }
        return d
    }

    func runTimers() {
        let expired = reassembler.expire(now: now)
        for _ in 0..<expired { drops.count(.ipv4ReassemblyTimeout) }
        for i in interfaces where !i.isLoopback {
            runNeighborTimers(i)
            runIPv6Timers(i)
            runDHCPTimers(i)
        }
        let before = routes.count
        routes.removeAll { ($0.expires ?? .max) <= now }
        if routes.count != before { configurationGeneration &+= 1 }
        for slot in sockets.slots {
            if let s = slot?.tcp, let deadline = s.nextDeadline, deadline <= now { tcpTimers(s) }
        }
    }

    /// Frames waiting for the driver on `id`, oldest first, with the work left to a device
    /// that has offloads; the queue is empty afterwards.
    public func takeOutgoingFrames(_ id: InterfaceID) -> [OutgoingFrame] {
        guard let i = interface(id) else { return [] }
        let frames = i.transmitQueue
        i.transmitQueue = []
        return frames
    }

    /// The same frames as the wire carries them, offloaded work done in software.
    public func takeTransmitQueue(_ id: InterfaceID) -> [[UInt8]] {
        var frames: [[UInt8]] = []
        for f in takeOutgoingFrames(id) {
            if f.needsChecksum || f.segmentSize > 0 { frames += f.completed() } else { frames.append(f.bytes) }
        }
        return frames
    }

    /// Whether any interface has frames to send.
    public var hasPendingTransmissions: Bool { interfaces.contains { !$0.transmitQueue.isEmpty } }

    /// Sockets whose readiness may have changed since the last call — new data, room to
    /// write, a connection to accept, an error, a state change — each once. Edge-triggered
    /// epoll needs the events as well as the changes, so a socket appears even when its
    /// readiness bits happen to be unchanged.
    public func takeReadinessChanges() -> [SocketID] {
        let changes = readinessChanges
        readinessChanges = []
        var result: [SocketID] = []
        result.reserveCapacity(changes.count)
        for id in changes {
            guard let s = sockets.lookup(id), s.userOwned else { continue }  // closed meanwhile
            s.readinessQueued = false
            result.append(id)
        }
        return result
    }

    /// Records that `socket` has news for its owner.
    func notify(_ socket: SocketBase) {
        if socket.userOwned {
            guard !socket.readinessQueued else { return }
            socket.readinessQueued = true
            readinessChanges.append(socket.id)
        } else if let listener = socket.tcp?.listener {
            notify(listener)
        }
    }

    // MARK: Helpers

    func drop(_ reason: DropReason, on i: Interface?) {
        drops.count(reason)
        if let i { i.statistics.receiveDrops &+= 1 }
    }

    /// Delivers frames queued on the loopback interface, including those their delivery queues.
    func flushLoopback() {
        guard let lo = interfaces.first else { return }
        var budget = 100_000
        while loopbackHead < loopbackQueue.count && budget > 0 {
            let frame = loopbackQueue[loopbackHead]
            loopbackHead &+= 1
            budget &-= 1
            processFrame(PacketView(frame), on: lo)
        }
        if loopbackHead >= loopbackQueue.count {
            loopbackQueue.removeAll(keepingCapacity: true)
            loopbackHead = 0
        }
    }

    /// An ISN per RFC 6528: a keyed hash of the four-tuple plus a 4-microsecond clock.
    func initialSequenceNumber(_ key: ConnectionKey) -> UInt32 {
        let h = SplitMix64.mix(key.hash ^ isnSecret)
        return UInt32(truncatingIfNeeded: h) &+ UInt32(truncatingIfNeeded: now / 4000)
    }

    /// `count` consecutive identifications: a TCP segment the device cuts into pieces numbers
    /// them from its own.
    func nextIPIdentification(count: Int = 1) -> UInt16 {
        ipIdentification &+= 1
        let first = ipIdentification
        ipIdentification &+= UInt16(truncatingIfNeeded: count &- 1)
        return first
    }
}
