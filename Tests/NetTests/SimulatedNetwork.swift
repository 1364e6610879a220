@testable import Net

extension SplitMix64: RandomNumberGenerator {}

/// A broadcast segment joining stacks and scripted hosts, with a clock, per-frame delay, and
/// seeded loss, duplication and reordering. Everything happens in simulated time, so runs are
/// deterministic for a seed.
final class SimulatedNetwork {
    /// What a port is attached to: a stack's interface, or a test-written host that answers
    /// frames (a DHCP server, a router, a raw frame recorder).
    enum Endpoint {
        case stack(NetworkStack, InterfaceID)
        case host((_ frame: [UInt8], _ now: UInt64) -> [[UInt8]])
    }

    struct Impairment {
        /// Probabilities in parts per million.
        var lossPPM: UInt64 = 0
        var duplicatePPM: UInt64 = 0
        /// Extra random delay up to this many nanoseconds, which reorders frames.
        var jitter: UInt64 = 0
        var delay: UInt64 = 100_000  // 100 µs one way
    }

    struct Delivery {
        var time: UInt64
        var order: UInt64
        var port: Int
        var frame: [UInt8]
    }

    var now: UInt64 = 1_000_000_000
    var endpoints: [Endpoint] = []
    /// Ports whose cable is pulled: frames from and to them vanish.
    var disconnected: Set<Int> = []
    var impairment = Impairment()
    var rng: SplitMix64
    var pending: [Delivery] = []
    var order: UInt64 = 0
    /// Sees every frame leaving a port; returning false drops it.
    var filter: ((_ port: Int, _ frame: [UInt8]) -> Bool)?
    var framesSent = 0
    /// Frames the stacks left work in for the device (checksum, segmentation), and the
    /// largest frame on the wire after the simulated device did it.
    var partialChecksumFrames = 0
    var segmentedFrames = 0
    var largestFrame = 0

    init(seed: UInt64 = 1) { rng = SplitMix64(seed: seed) }

    @discardableResult
    func attach(_ stack: NetworkStack, _ interface: InterfaceID) -> Int {
        endpoints.append(.stack(stack, interface))
        stack.advance(to: now)
        return endpoints.count - 1
    }

    @discardableResult
    func attachHost(_ handler: @escaping (_ frame: [UInt8], _ now: UInt64) -> [[UInt8]]) -> Int {
        endpoints.append(.host(handler))
        return endpoints.count - 1
    }

    var stacks: [NetworkStack] {
        endpoints.compactMap { if case .stack(let s, _) = $0 { s } else { nil } }
    }

    /// Moves frames from the stacks' transmit queues onto the wire.
    func collect() {
        for (port, endpoint) in endpoints.enumerated() {
            guard case .stack(let stack, let id) = endpoint else { continue }
            for frame in stack.takeOutgoingFrames(id) {
                if frame.needsChecksum { partialChecksumFrames += 1 }
                if frame.segmentSize > 0 { segmentedFrames += 1 }
                for wire in frame.completed() {
                    largestFrame = max(largestFrame, wire.count)
                    send(wire, from: port)
                }
            }
        }
    }

    func send(_ frame: [UInt8], from port: Int) {
        framesSent += 1
        if disconnected.contains(port) { return }
        if let filter, !filter(port, frame) { return }
        for target in endpoints.indices where target != port && !disconnected.contains(target) {
            if impairment.lossPPM > 0 && rng.next(below: 1_000_000) < impairment.lossPPM { continue }
            var copies = 1
            if impairment.duplicatePPM > 0 && rng.next(below: 1_000_000) < impairment.duplicatePPM { copies = 2 }
            for _ in 0..<copies {
                let extra = impairment.jitter > 0 ? rng.next(below: impairment.jitter) : 0
                order += 1
                pending.append(Delivery(time: now + impairment.delay + extra, order: order, port: target, frame: frame))
            }
        }
    }

    /// The next moment something happens: a delivery or a stack timer.
    var nextEventTime: UInt64? {
        var t: UInt64? = pending.map(\.time).min()
        for s in stacks {
            if let d = s.nextTimerDeadline { t = min(t ?? d, max(d, now)) }
        }
        return t
    }

    /// Runs one event step; false when nothing is left to do.
    @discardableResult
    func step(limit: UInt64 = .max) -> Bool {
        collect()
        guard let next = nextEventTime, next <= limit else { return false }
        now = max(now, next)
        for s in stacks { s.advance(to: now) }
        // Deliver everything due, in time order.
        let due = pending.filter { $0.time <= now }.sorted { ($0.time, $0.order) < ($1.time, $1.order) }
        pending.removeAll { $0.time <= now }
        for d in due {
            switch endpoints[d.port] {
            case .stack(let stack, let id):
                stack.receive(frame: d.frame, on: id)
            case .host(let handler):
                for reply in handler(d.frame, now) { send(reply, from: d.port) }
            }
        }
        collect()
        return true
    }

    /// Runs until `condition` holds or `timeout` nanoseconds of simulated time pass;
    /// returns whether the condition held.
    @discardableResult
    func run(for timeout: UInt64 = 60_000_000_000, until condition: () -> Bool = { false }) -> Bool {
        let end = now + timeout
        while true {
            if condition() { return true }
            if !step(limit: end) {
                now = max(now, end)
                for s in stacks { s.advance(to: now) }
                return condition()
            }
        }
    }

    /// Advances time by `duration`, processing everything in between.
    func run(for duration: UInt64) { _ = run(for: duration, until: { false }) }
}

/// Two stacks on one segment with IPv4 addresses, the usual fixture.
struct TwoHosts {
    let net: SimulatedNetwork
    let a: NetworkStack
    let b: NetworkStack
    let aIf: InterfaceID
    let bIf: InterfaceID
    static let aAddress = IPv4Address(10, 0, 0, 1)
    static let bAddress = IPv4Address(10, 0, 0, 2)
    static let aMAC = MACAddress(0x52, 0x54, 0, 0, 0, 1)
    static let bMAC = MACAddress(0x52, 0x54, 0, 0, 0, 2)

    /// `offloads` are host A's: its simulated device finishes checksums and cuts segments,
    /// and B checks every frame in software.
    init(seed: UInt64 = 1, offloads: LinkOffloads = [], configure: (inout StackConfiguration) -> Void = { _ in }) {
        net = SimulatedNetwork(seed: seed)
        var ca = StackConfiguration()
        ca.randomSeed = seed &* 31 &+ 1
        configure(&ca)
        var cb = ca
        cb.randomSeed = seed &* 31 &+ 2
        a = NetworkStack(configuration: ca)
        b = NetworkStack(configuration: cb)
        aIf = a.addEthernetInterface(mac: Self.aMAC, offloads: offloads)
        bIf = b.addEthernetInterface(mac: Self.bMAC)
        net.attach(a, aIf)
        net.attach(b, bIf)
        a.configureIPv4(aIf, address: Self.aAddress, prefixLength: 24)
        b.configureIPv4(bIf, address: Self.bAddress, prefixLength: 24)
        net.run(for: 1_000_000)
    }
}

/// Shorter timers so tests do not simulate minutes for TIME-WAIT and friends.
func fastTimers(_ c: inout StackConfiguration) {
    c.tcp.timeWaitDuration = 2_000_000_000
    c.tcp.finWait2Timeout = 5_000_000_000
}

/// Deterministic payload bytes.
func pattern(_ count: Int, seed: UInt64 = 7) -> [UInt8] {
    var rng = SplitMix64(seed: seed)
    var bytes = [UInt8](repeating: 0, count: count)
    var i = 0
    while i < count {
        let word = rng.next()
        for b in 0..<8 where i + b < count { bytes[i + b] = UInt8(truncatingIfNeeded: word >> (8 * UInt64(b))) }
        i += 8
    }
    return bytes
}

extension NetworkStack {
    /// `connect` that treats `EINPROGRESS` as success, for tests.
    func startConnect(_ id: SocketID, to address: SocketAddress) throws(NetError) {
        do { try connect(id, to: address) } catch .inProgress {}
    }
}
