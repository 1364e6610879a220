/// Address resolution state of one interface for one family: the ARP cache for IPv4 and the
/// neighbour cache of Neighbour Discovery for IPv6 (RFC 4861 §7.3, simplified).
///
/// The cache decides; the stack acts. ``resolve(_:packet:now:configuration:)`` either returns a
/// link address or parks the packet and says whether to send a probe;
/// ``expire(now:configuration:)`` reports probes due and addresses that never answered.
///
/// States are reduced to three: *incomplete* (no link address yet, probing), *reachable*
/// (confirmed within `reachableTime`), and *stale* (older, still used, and re-probed in the
/// background on first use — when that probe fails the entry goes away, so the next packet
/// starts a fresh resolution).
struct NeighborCache {
    struct Entry {
        var address: IPAddress
        var mac: MACAddress?
        var reachableUntil: Nanoseconds = 0
        var lastUsed: Nanoseconds = 0
        var probing = false
        var probesSent = 0
        var nextProbe: Nanoseconds = 0
        /// Packets with their link header room, waiting for `mac`.
        var pending: [[UInt8]] = []
    }

    enum Resolution {
        /// Send to this address now; `probe` asks for a background refresh probe.
        case known(MACAddress, probe: Bool)
        /// The packet is parked; `probe` asks for the first solicitation.
        case queued(probe: Bool)
        /// The packet was dropped: the entry's queue is full.
        case dropped
    }

    private(set) var entries: [Entry] = []

    func index(of address: IPAddress) -> Int? {
        entries.firstIndex { $0.address == address }
    }

    /// The link address currently known for `address`, without side effects.
    func linkAddress(of address: IPAddress) -> MACAddress? {
        guard let i = index(of: address) else { return nil }
        return entries[i].mac
    }

    /// Whether the link address of `address` is known (a packet for it goes out at once).
    func knows(_ address: IPAddress) -> Bool {
        guard let i = index(of: address) else { return false }
        return entries[i].mac != nil
    }

    mutating func resolve(
        _ address: IPAddress, packet: [UInt8], now: Nanoseconds, configuration: NeighborConfiguration
    ) -> Resolution {
        if let i = index(of: address) {
            entries[i].lastUsed = now
            if let mac = entries[i].mac {
                var probe = false
                if now >= entries[i].reachableUntil && !entries[i].probing {
                    entries[i].probing = true
                    entries[i].probesSent = 1
                    entries[i].nextProbe = now &+ configuration.retransmitInterval
                    probe = true
                }
                return .known(mac, probe: probe)
            }
            guard entries[i].pending.count < configuration.queueLimit else { return .dropped }
            entries[i].pending.append(packet)
            return .queued(probe: false)
        }
        if entries.count >= configuration.cacheLimit { evictOne() }
        var entry = Entry(address: address)
        entry.lastUsed = now
        entry.probing = true
        entry.probesSent = 1
        entry.nextProbe = now &+ configuration.retransmitInterval
        entry.pending = [packet]
        entries.append(entry)
        return .queued(probe: true)
    }

    /// Records that `address` is at `mac` (a reply, or a request from it); returns the packets
    /// that were waiting. `create` says whether to add an entry nobody asked for (RFC 826 does
    /// so only when we are the target of the sender's request).
    mutating func learn(
        _ address: IPAddress, mac: MACAddress, now: Nanoseconds, create: Bool, confirmed: Bool,
        configuration: NeighborConfiguration
    ) -> [[UInt8]] {
        if let i = index(of: address) {
            let hadAddress = entries[i].mac != nil
            entries[i].mac = mac
            if confirmed {
                entries[i].reachableUntil = now &+ configuration.reachableTime
                entries[i].probing = false
                entries[i].probesSent = 0
            } else if !hadAddress {
                // Learned from the neighbour's own solicitation: usable, but stale.
                entries[i].reachableUntil = now
                entries[i].probing = false
                entries[i].probesSent = 0
            }
            let waiting = entries[i].pending
            entries[i].pending = []
            return waiting
        }
        guard create else { return [] }
        if entries.count >= configuration.cacheLimit { evictOne() }
        var entry = Entry(address: address, mac: mac)
        entry.reachableUntil = confirmed ? now &+ configuration.reachableTime : now
        entry.lastUsed = now
        entries.append(entry)
        return []
    }

    /// Drops the least recently used entry that has no waiting packets (or the oldest one).
    private mutating func evictOne() {
        guard !entries.isEmpty else { return }
        var victim = 0
        for i in entries.indices where entries[i].lastUsed < entries[victim].lastUsed { victim = i }
        entries.remove(at: victim)
    }

    mutating func remove(_ address: IPAddress) {
        if let i = index(of: address) { entries.remove(at: i) }
    }

    mutating func removeAll() { entries.removeAll() }

    var nextDeadline: Nanoseconds? {
        var d: Nanoseconds? = nil
        for e in entries where e.probing { d = d.earliest(e.nextProbe) }
        return d
    }

    struct Expiry {
        /// Addresses to send a solicitation for now, with the link address of a stale entry
        /// (for a unicast probe) when there is one.
        var probes: [(IPAddress, MACAddress?)] = []
        /// Addresses whose resolution failed, with how many packets were discarded.
        var failures: [(IPAddress, Int)] = []
    }

    mutating func expire(now: Nanoseconds, configuration: NeighborConfiguration) -> Expiry {
        var result = Expiry()
        var i = 0
        while i < entries.count {
            if entries[i].probing && entries[i].nextProbe <= now {
                if entries[i].probesSent >= configuration.maxProbes {
                    result.failures.append((entries[i].address, entries[i].pending.count))
                    entries.remove(at: i)
                    continue
                }
                entries[i].probesSent &+= 1
                entries[i].nextProbe = now &+ configuration.retransmitInterval
                result.probes.append((entries[i].address, entries[i].mac))
            } else if !entries[i].probing && entries[i].mac != nil
                && now >= entries[i].lastUsed &+ configuration.staleLifetime
                && now >= entries[i].reachableUntil &+ configuration.staleLifetime
            {
                entries.remove(at: i)
                continue
            }
            i &+= 1
        }
        return result
    }
}
