/// Why ACPI tables could not be used; the message names the table and the problem.
public struct ACPIError: Error {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// Maps a physical range to readable bytes; nil when it is not memory the kernel can read.
public typealias PhysicalReader = (UInt64, Int) -> UnsafeRawBufferPointer?
