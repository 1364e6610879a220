#if SKIFF_KERNEL
import Net

/// An Ethernet interface as the network stack sees it: frames in and out.
///
/// Frames start with the destination MAC address and carry no FCS. Receiving is driven by the
/// consumer: `onReceive` runs at interrupt time when frames have arrived (it must not block —
/// wake the network thread); further receive interrupts stay off until `receive()` has returned
/// nil once, so a busy link does not interrupt per frame.
protocol NetworkDevice: AnyObject {
    /// "eth0", "eth1", … in probe order.
    var name: String { get }
    var macAddress: MACAddress { get }
    /// The largest IP packet on the wire: frames carry at most `mtu` + 14 bytes, except
    /// segments the device cuts itself.
    var mtu: Int { get }
    var linkUp: Bool { get }
    /// The work the device does on outgoing frames; the stack leaves exactly this to it.
    var offloads: LinkOffloads { get }
    /// Queues a frame for sending and returns at once; `.queueFull` when the device has not
    /// finished earlier frames yet (try again after a while).
    func transmit(_ frame: OutgoingFrame) throws(NetworkDeviceError)
    /// The next received frame, or nil (and receive interrupts re-armed) when none is waiting.
    func receive() -> ReceivedFrame?
    /// The receive wake-up hook; see above.
    var onReceive: (() -> Void)? { get set }
}

/// A frame from the device, and whether the device vouched for its TCP/UDP checksums.
struct ReceivedFrame {
    var bytes: [UInt8]
    var checksumsVerified = false
}

enum NetworkDeviceError: Error, Equatable {
    /// Larger than the device carries, or shorter than an Ethernet header.
    case badFrameLength
    case queueFull
    case deviceFailed
}
#endif
