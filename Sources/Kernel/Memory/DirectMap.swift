#if SKIFF_KERNEL
/// All physical memory, mapped supervisor-only at a fixed offset in the lower half.
///
/// The kernel image is identity-mapped low, but the rest of RAM is not: Linux executables are
/// linked at 0x400000 and user space needs the low addresses. The direct map sits at
/// 0x7000_0000_0000, above any address Skiff gives applications, and still in the lower half
/// where the Embedded Swift runtime expects heap pointers.
enum DirectMap {
    static let base: UInt64 = 0x7000_0000_0000
    /// How much is mapped so far; the boot page tables cover 4 GiB.
    nonisolated(unsafe) static var mappedBytes: UInt64 = 4 << 30

    @inline(__always)
    static func pointer(_ physical: UInt64) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(bitPattern: UInt(base &+ physical))!
    }

    @inline(__always)
    static func physical(_ pointer: UnsafeRawPointer) -> UInt64 {
        UInt64(UInt(bitPattern: pointer)) &- base
    }

    /// Read access to a physical range, for parsers of firmware structures.
    static func read(_ physical: UInt64, _ count: Int) -> UnsafeRawBufferPointer? {
        guard count >= 0, physical < mappedBytes, UInt64(count) <= mappedBytes - physical else { return nil }
        return UnsafeRawBufferPointer(start: pointer(physical), count: count)
    }
}
#endif
