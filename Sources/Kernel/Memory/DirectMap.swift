#if SKIFF_KERNEL
/// All physical memory, mapped supervisor-only at a fixed offset in the lower half.
///
/// The kernel image is identity-mapped low, but the rest of RAM is not: Linux executables are
/// linked at 0x400000 and user space needs the low addresses. The direct map sits at
/// 0x7000_0000_0000, above any address Skiff gives applications, and still in the lower half
/// where the Embedded Swift runtime expects heap pointers.
enum DirectMap {
    static let base: UInt64 = 0x7000_0000_0000
    /// The boot page tables map the first 4 GiB here; once the kernel's own tables are live
    /// only RAM and mapped devices are.
    nonisolated(unsafe) static var bootTablesRetired = false

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
        guard count >= 0, physical < 1 << 46, UInt64(count) <= (1 << 46) - physical else { return nil }
        if !bootTablesRetired {
            guard physical + UInt64(count) <= 4 << 30 else { return nil }
        } else {
            var page = physical & ~4095
            while page < physical + UInt64(count) {
                guard KernelPageTables.translate(base + page) != nil else { return nil }
                page += 4096
            }
        }
        return UnsafeRawBufferPointer(start: pointer(physical), count: count)
    }

    /// True when `address` is a kernel virtual address that is mapped.
    static func isMapped(_ address: UInt64) -> Bool {
        if !bootTablesRetired { return address < 4 << 30 || (address >= base && address < base + (4 << 30)) }
        return KernelPageTables.translate(address) != nil
    }
}
#endif
