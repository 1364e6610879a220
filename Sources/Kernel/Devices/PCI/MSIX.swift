#if SKIFF_KERNEL
import CKernel

/// A function's MSI-X capability: a table of message address/data pairs in one of its BARs,
/// one entry per interrupt source the device can raise.
struct MSIX {
    let function: PCIFunction
    let capability: Int
    let tableSize: Int
    private let table: UnsafeMutableRawPointer

    /// Nil when the function has no MSI-X capability or its table's BAR is unassigned.
    init?(_ function: PCIFunction) {
        guard let cap = function.capabilities(PCIFunction.capabilityMSIX).first else { return nil }
        let control = function.config.read16(cap &+ 2)
        let tableLocation = function.config.read32(cap &+ 4)
        let size = Int(control & 0x7FF) &+ 1
        guard let bar = function.memoryBAR(Int(tableLocation & 7)),
            let table = KernelPageTables.mapDevice(physical: bar &+ UInt64(tableLocation & ~7), length: UInt64(size &* 16))
        else { return nil }
        self.function = function
        self.capability = cap
        self.tableSize = size
        self.table = table
    }

    /// Points table entry `entry` at a message and unmasks it.
    func program(entry: Int, address: UInt64, data: UInt32) {
        let e = table.advanced(by: entry &* 16)
        mmio_write32(e.advanced(by: 12), 1)  // masked while it changes
        mmio_write32(e, UInt32(truncatingIfNeeded: address))
        mmio_write32(e.advanced(by: 4), UInt32(truncatingIfNeeded: address >> 32))
        mmio_write32(e.advanced(by: 8), data)
        mmio_write32(e.advanced(by: 12), 0)
    }

    func mask(entry: Int) {
        mmio_write32(table.advanced(by: entry &* 16 &+ 12), 1)
    }

    /// Turns MSI-X on (and the legacy INTx line off); entries not programmed stay masked.
    func enable() {
        for i in 0..<tableSize { mask(entry: i) }
        let control = function.config.read16(capability &+ 2)
        function.config.write16(capability &+ 2, (control | 0x8000) & ~0x4000)
        function.command = function.command | PCIFunction.commandInterruptDisable
    }

    func disable() {
        let control = function.config.read16(capability &+ 2)
        function.config.write16(capability &+ 2, control & ~0x8000)
    }
}
#endif
