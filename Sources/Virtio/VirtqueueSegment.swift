/// One buffer of a request, by physical (bus) address.
public struct VirtqueueSegment: Equatable, Sendable {
    public var address: UInt64
    public var length: UInt32
    /// The device writes into it (a read request's data, a status byte); otherwise the device
    /// only reads it.
    public var deviceWritable: Bool

    public init(address: UInt64, length: UInt32, deviceWritable: Bool) {
        self.address = address
        self.length = length
        self.deviceWritable = deviceWritable
    }
}

/// A request the device has finished: the head descriptor of its chain and how many bytes the
/// device says it wrote into the chain's writable buffers.
public struct VirtqueueCompletion: Equatable, Sendable {
    public var head: UInt16
    public var length: UInt32

    public init(head: UInt16, length: UInt32) {
        self.head = head
        self.length = length
    }
}
