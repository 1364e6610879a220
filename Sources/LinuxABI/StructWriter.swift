/// Builds a Linux structure byte by byte at the offsets the x86_64 ABI fixes, so the kernel can
/// copy it to the application without relying on Swift's layout of its own types.
public struct StructWriter {
    public private(set) var bytes: [UInt8]

    public init(size: Int) {
        bytes = [UInt8](repeating: 0, count: size)
    }

    public mutating func set<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        var v = value.littleEndian
        withUnsafeBytes(of: &v) { raw in
            for i in 0..<raw.count { bytes[offset + i] = raw[i] }
        }
    }

    /// Copies `text` into a fixed-size, NUL-padded field (truncating, always NUL-terminated).
    public mutating func setString(_ text: [UInt8], at offset: Int, capacity: Int) {
        let n = min(text.count, capacity - 1)
        for i in 0..<n { bytes[offset + i] = text[i] }
        for i in n..<capacity { bytes[offset + i] = 0 }
    }
}

/// Reads fields of a structure the application passed in.
public struct StructReader {
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public func get<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
        var v: T = 0
        withUnsafeMutableBytes(of: &v) { raw in
            for i in 0..<raw.count { raw[i] = bytes[offset + i] }
        }
        return T(littleEndian: v)
    }
}
