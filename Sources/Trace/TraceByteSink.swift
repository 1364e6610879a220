/// Where a dump's bytes go: an array (the monitoring API, tests) or the console framing.
public protocol TraceByteSink {
    mutating func write(_ bytes: UnsafeRawBufferPointer)
}

extension Array: TraceByteSink where Element == UInt8 {
    public mutating func write(_ bytes: UnsafeRawBufferPointer) {
        append(contentsOf: bytes)
    }
}
