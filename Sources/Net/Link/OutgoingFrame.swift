/// A frame for the driver, with the work left to the device when its link has offloads.
///
/// A frame without offloads is complete. With `checksumStart` set, the TCP or UDP checksum
/// field holds only the folded pseudo-header sum, and the device sums from `checksumStart` to
/// the end into it (virtio-net `NEEDS_CSUM`, Linux `CHECKSUM_PARTIAL`). With `segmentSize`
/// set, the frame is one TCP segment of up to 64 KiB that the device cuts into segments of
/// `segmentSize` payload bytes, each with a copy of the headers (TSO).
public struct OutgoingFrame: Equatable {
    public var bytes: [UInt8]
    /// Offset of the transport header in `bytes`; 0 when the checksum is complete.
    public var checksumStart: Int
    /// Offset of the checksum field from `checksumStart` (16 for TCP, 6 for UDP).
    public var checksumField: Int
    /// TCP payload bytes per segment; 0 for a frame that goes out as it is.
    public var segmentSize: Int
    /// Ethernet, IP and TCP header bytes: what each segment repeats.
    public var headerLength: Int

    public init(bytes: [UInt8], checksumStart: Int = 0, checksumField: Int = 0, segmentSize: Int = 0, headerLength: Int = 0) {
        self.bytes = bytes
        self.checksumStart = checksumStart
        self.checksumField = checksumField
        self.segmentSize = segmentSize
        self.headerLength = headerLength
    }

    public var needsChecksum: Bool { checksumStart != 0 }
    public var isIPv6: Bool { bytes.count >= 14 && bytes.get16(at: 12) == EthernetHeader.typeIPv6 }

    /// The frames the wire would carry once the device has done its part: what a driver
    /// without the offload, and the host tests' simulated device, send.
    public func completed() -> [[UInt8]] {
        if segmentSize > 0 && bytes.count > headerLength &+ segmentSize {
            return segmented()
        }
        var frame = bytes
        if needsChecksum { Self.finishChecksum(&frame, start: checksumStart, field: checksumField) }
        return [frame]
    }

    /// Sums from `start` to the end over the partial sum in the field, as the device does; a
    /// zero result is sent as 0xFFFF, which UDP needs (0 means "no checksum") and TCP accepts.
    static func finishChecksum(_ frame: inout [UInt8], start: Int, field: Int) {
        guard start > 0, start &+ field &+ 2 <= frame.count else { return }
        var sum = InternetChecksum()
        sum.add(frame, from: start, count: frame.count &- start)
        let value = sum.value
        frame.put16(value == 0 ? 0xFFFF : value, at: start &+ field)
    }

    /// Cuts the TCP segment as Linux GSO does: sequence numbers advance by the payload before
    /// each piece, FIN and PSH stay on the last piece, IPv4 identifications count up, and
    /// every piece gets its own lengths and checksums.
    private func segmented() -> [[UInt8]] {
        let v6 = isIPv6
        let ip = 14
        let tcp = checksumStart
        let payloadBytes = bytes.count &- headerLength
        let sequence = UInt32(bytes.get16(at: tcp &+ 4)) << 16 | UInt32(bytes.get16(at: tcp &+ 6))
        let identification = v6 ? 0 : bytes.get16(at: ip &+ 4)
        let flags = bytes[tcp &+ 13]
        var frames: [[UInt8]] = []
        var offset = 0
        var index: UInt16 = 0
        while offset < payloadBytes {
            let n = Swift.min(segmentSize, payloadBytes &- offset)
            var f = [UInt8](repeating: 0, count: headerLength &+ n)
            bytes.withUnsafeBytes { all in
                f.copy(UnsafeRawBufferPointer(rebasing: all[0..<headerLength]), to: 0)
                f.copy(UnsafeRawBufferPointer(rebasing: all[(headerLength &+ offset)..<(headerLength &+ offset &+ n)]), to: headerLength)
            }
            let last = offset &+ n == payloadBytes
            var segmentFlags = flags
            if !last { segmentFlags &= ~(TCPFlags.fin.rawValue | TCPFlags.psh.rawValue) }
            f[tcp &+ 13] = segmentFlags
            f.put32(sequence &+ UInt32(truncatingIfNeeded: offset), at: tcp &+ 4)
            let transportLength = f.count &- tcp
            var sum: InternetChecksum
            if v6 {
                f.put16(UInt16(truncatingIfNeeded: f.count &- ip &- IPv6Header.size), at: ip &+ 4)
                let view = PacketView(f)
                sum = InternetChecksum.pseudoHeader(
                    source: IPv6Address(reading: view, at: ip &+ 8), destination: IPv6Address(reading: view, at: ip &+ 24),
                    protocol: IPv4Header.protocolTCP, length: transportLength)
            } else {
                f.put16(UInt16(truncatingIfNeeded: f.count &- ip), at: ip &+ 2)
                f.put16(identification &+ index, at: ip &+ 4)
                f.put16(0, at: ip &+ 10)
                var header = InternetChecksum()
                header.add(f, from: ip, count: tcp &- ip)
                f.put16(header.value, at: ip &+ 10)
                sum = InternetChecksum.pseudoHeader(
                    source: IPv4Address(rawValue: UInt32(f.get16(at: ip &+ 12)) << 16 | UInt32(f.get16(at: ip &+ 14))),
                    destination: IPv4Address(rawValue: UInt32(f.get16(at: ip &+ 16)) << 16 | UInt32(f.get16(at: ip &+ 18))),
                    protocol: IPv4Header.protocolTCP, length: transportLength)
            }
            f.put16(0, at: tcp &+ 16)
            sum.add(f, from: tcp, count: transportLength)
            f.put16(sum.value, at: tcp &+ 16)
            frames.append(f)
            offset &+= n
            index &+= 1
        }
        return frames
    }
}
