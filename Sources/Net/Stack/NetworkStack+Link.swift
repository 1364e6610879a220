/// Ethernet input and output, and ARP.
extension NetworkStack {
    /// Hands the stack a frame the driver received on `id` (Ethernet header first, no FCS).
    ///
    /// `checksumsVerified` says the device has checked the TCP and UDP checksums (or the frame
    /// came from a sender on the same host that left them to the device: virtio-net
    /// `DATA_VALID` and `NEEDS_CSUM`), so the stack does not sum the data again.
    public func receive(frame: [UInt8], on id: InterfaceID, checksumsVerified: Bool = false) {
        guard let i = interface(id) else { return }
        receivedChecksumsVerified = checksumsVerified
        processFrame(PacketView(frame), on: i)
        receivedChecksumsVerified = false
        flushLoopback()
    }

    func processFrame(_ frame: PacketView, on i: Interface) {
        i.statistics.receivedPackets &+= 1
        i.statistics.receivedBytes &+= UInt64(frame.count)
        guard let header = EthernetHeader(parsing: frame) else { return drop(.frameTooShort, on: i) }
        if !i.isLoopback {
            guard header.destination == i.mac || header.destination.isBroadcast
                || (header.destination.isMulticast && acceptsMulticast(header.destination, on: i))
            else { return drop(.notOurMAC, on: i) }
        }
        let payload = frame.dropFirst(EthernetHeader.size)
        switch header.etherType {
        case EthernetHeader.typeIPv4: ipv4Input(payload, on: i, linkBroadcast: header.destination.isMulticast)
        case EthernetHeader.typeARP: arpInput(payload, on: i)
        case EthernetHeader.typeIPv6: ipv6Input(payload, on: i, linkSource: header.source)
        default: drop(.unknownEtherType, on: i)
        }
    }

    /// IPv4 multicast is not joined; IPv6 all-nodes and solicited-node groups are.
    func acceptsMulticast(_ mac: MACAddress, on i: Interface) -> Bool {
        guard mac.rawValue >> 32 == 0x3333, i.ipv6Enabled else { return false }
        let group = UInt32(truncatingIfNeeded: mac.rawValue)
        if group == 1 { return true }
        return i.ipv6Addresses.contains { UInt32(truncatingIfNeeded: $0.address.solicitedNode.low) == group }
    }

    // MARK: Output

    /// Sends an IP packet (built with 14 bytes of link header room) towards `nextHop`,
    /// resolving the link address first if needed.
    func transmit(_ packet: [UInt8], etherType: UInt16, nextHop: IPAddress, on i: Interface, offload: TransportOffload? = nil) {
        if i.isLoopback {
            var frame = packet
            frame.put16(etherType, at: 12)
            i.statistics.sentPackets &+= 1
            i.statistics.sentBytes &+= UInt64(frame.count)
            loopbackQueue.append(frame)
            return
        }
        switch nextHop {
        case .v4(let a):
            if a.isBroadcast || i.ipv4Addresses.contains(where: { $0.broadcast == a && $0.prefixLength < 31 }) {
                return emit(packet, to: .broadcast, etherType: etherType, on: i)
            }
            if a.isMulticast {
                return emit(
                    packet, to: MACAddress(rawValue: 0x0100_5E00_0000 | UInt64(a.rawValue & 0x7F_FFFF)),
                    etherType: etherType, on: i)
            }
            resolveAndEmit(packet, etherType: etherType, nextHop: nextHop, on: i, offload: offload)
        case .v6(let a):
            if a.isMulticast { return emit(packet, to: .ipv6Multicast(a), etherType: etherType, on: i) }
            resolveAndEmit(packet, etherType: etherType, nextHop: nextHop, on: i, offload: offload)
        }
    }

    private func resolveAndEmit(
        _ packet: [UInt8], etherType: UInt16, nextHop: IPAddress, on i: Interface, offload: TransportOffload?
    ) {
        let isV4 = nextHop.isV4
        if let offload, !(isV4 ? i.arp : i.neighbors6).knows(nextHop) {
            // Packets waiting for the link address are kept complete.
            var frame = packet
            frame.put16(etherType, at: 12)
            for piece in outgoingFrame(frame, offload: offload).completed() {
                resolveAndEmit(piece, etherType: etherType, nextHop: nextHop, on: i, offload: nil)
            }
            return
        }
        let resolution =
            isV4
            ? i.arp.resolve(nextHop, packet: packet, now: now, configuration: configuration.neighbor)
            : i.neighbors6.resolve(nextHop, packet: packet, now: now, configuration: configuration.neighbor)
        switch resolution {
        case .known(let mac, let probe):
            emit(packet, to: mac, etherType: etherType, on: i, offload: offload)
            if probe { solicit(nextHop, unicast: mac, on: i) }
        case .queued(let probe):
            if probe { solicit(nextHop, unicast: nil, on: i) }
        case .dropped:
            drops.count(.neighborUnresolved)
            i.statistics.sendDrops &+= 1
        }
    }

    /// Fills in the Ethernet header and queues the frame for the driver.
    func emit(_ packet: [UInt8], to destination: MACAddress, etherType: UInt16, on i: Interface, offload: TransportOffload? = nil) {
        guard i.transmitQueue.count < configuration.transmitQueueLimit else {
            drops.count(.transmitQueueFull)
            i.statistics.sendDrops &+= 1
            return
        }
        var frame = packet
        EthernetHeader(destination: destination, source: i.mac, etherType: etherType).write(to: &frame)
        i.statistics.sentPackets &+= 1
        i.statistics.sentBytes &+= UInt64(frame.count)
        i.transmitQueue.append(offload.map { outgoingFrame(frame, offload: $0) } ?? OutgoingFrame(bytes: frame))
    }

    /// The frame with its offload described; the transport header follows the IP header the
    /// stack wrote (20 bytes for IPv4, 40 for IPv6: it sends no options or extension headers).
    func outgoingFrame(_ frame: [UInt8], offload: TransportOffload) -> OutgoingFrame {
        let start = EthernetHeader.size &+ (frame.get16(at: 12) == EthernetHeader.typeIPv6 ? IPv6Header.size : IPv4Header.minimumSize)
        return OutgoingFrame(
            bytes: frame, checksumStart: start, checksumField: offload.checksumField, segmentSize: offload.segmentSize,
            headerLength: start &+ offload.transportHeaderLength)
    }

    /// Asks for the link address of `address`: an ARP request or a neighbour solicitation.
    func solicit(_ address: IPAddress, unicast: MACAddress?, on i: Interface) {
        switch address {
        case .v4(let a): sendARPRequest(for: a, unicast: unicast, on: i)
        case .v6(let a): sendNeighborSolicitation(for: a, unicast: unicast, on: i)
        }
    }

    func runNeighborTimers(_ i: Interface) {
        let arp = i.arp.expire(now: now, configuration: configuration.neighbor)
        let nd = i.neighbors6.expire(now: now, configuration: configuration.neighbor)
        for (address, mac) in arp.probes + nd.probes { solicit(address, unicast: mac, on: i) }
        for (address, dropped) in arp.failures + nd.failures {
            for _ in 0..<dropped {
                drops.count(.neighborUnresolved)
                i.statistics.sendDrops &+= 1
            }
            neighborUnreachable(address, on: i)
        }
    }

    // MARK: ARP

    func sendARPRequest(for target: IPv4Address, unicast: MACAddress?, on i: Interface) {
        guard let source = i.ipv4Source(for: target) else { return }
        let packet = ARPPacket(
            operation: ARPPacket.request, senderMAC: i.mac, senderIP: source, targetMAC: .zero, targetIP: target)
        queueRawFrame(packet.frame(destination: unicast ?? .broadcast), on: i)
    }

    /// Announces `address` (RFC 5227 §3: a request with sender and target both our address)
    /// so neighbours update stale caches.
    func sendGratuitousARP(_ i: Interface, address: IPv4Address) {
        let packet = ARPPacket(
            operation: ARPPacket.request, senderMAC: i.mac, senderIP: address, targetMAC: .zero, targetIP: address)
        queueRawFrame(packet.frame(destination: .broadcast), on: i)
    }

    /// Queues a complete frame (link header included).
    func queueRawFrame(_ frame: [UInt8], on i: Interface) {
        guard i.transmitQueue.count < configuration.transmitQueueLimit else {
            drops.count(.transmitQueueFull)
            i.statistics.sendDrops &+= 1
            return
        }
        i.statistics.sentPackets &+= 1
        i.statistics.sentBytes &+= UInt64(frame.count)
        i.transmitQueue.append(OutgoingFrame(bytes: frame))
    }

    func arpInput(_ view: PacketView, on i: Interface) {
        guard let packet = ARPPacket(parsing: view) else { return drop(.arpMalformed, on: i) }
        guard !i.ipv4Addresses.isEmpty else { return }
        guard !packet.senderMAC.isMulticast, packet.senderMAC != i.mac else { return }
        let forUs = i.ipv4Addresses.contains { $0.address == packet.targetIP }
        if !packet.senderIP.isAny {
            let waiting = i.arp.learn(
                .v4(packet.senderIP), mac: packet.senderMAC, now: now, create: forUs, confirmed: true,
                configuration: configuration.neighbor)
            for frame in waiting { emit(frame, to: packet.senderMAC, etherType: EthernetHeader.typeIPv4, on: i) }
        }
        if packet.operation == ARPPacket.request && forUs {
            let reply = ARPPacket(
                operation: ARPPacket.reply, senderMAC: i.mac, senderIP: packet.targetIP, targetMAC: packet.senderMAC,
                targetIP: packet.senderIP)
            queueRawFrame(reply.frame(destination: packet.senderMAC), on: i)
        }
    }
}
