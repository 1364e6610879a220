#if SKIFF_KERNEL
import Net

/// An Ethernet interface as the network stack sees it: raw frames in and out.
///
/// Frames start with the destination MAC address and carry no FCS. Receiving is driven by the
/// consumer: `onReceive` runs at interrupt time when frames have arrived (it must not block —
/// wake the network thread); further receive interrupts stay off until `receive()` has returned
/// nil once, so a busy link does not interrupt per frame.
protocol NetworkDevice: AnyObject {
    /// "eth0", "eth1", … in probe order.
    var name: String { get }
    var macAddress: MACAddress { get }
    /// The largest IP packet: frames carry at most `mtu` + 14 bytes.
    var mtu: Int { get }
    var linkUp: Bool { get }
    /// Queues a frame for sending and returns at once; `.queueFull` when the device has not
    /// finished earlier frames yet (try again after a while).
    func transmit(_ frame: [UInt8]) throws(NetworkDeviceError)
    /// The next received frame, or nil (and receive interrupts re-armed) when none is waiting.
    func receive() -> [UInt8]?
    /// The receive wake-up hook; see above.
    var onReceive: (() -> Void)? { get set }
}

enum NetworkDeviceError: Error, Equatable {
    /// Larger than `mtu` + 14 bytes, or shorter than an Ethernet header.
    case badFrameLength
    case queueFull
    case deviceFailed
}
#endif
