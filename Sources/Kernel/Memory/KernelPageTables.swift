#if SKIFF_KERNEL
import CKernel
import Memory

/// Page-table frames reached through the direct map and taken from the frame allocator.
struct DirectMapTableMemory: PageTableMemory {
    func entries(at physical: UInt64) -> UnsafeMutablePointer<UInt64> {
        DirectMap.pointer(physical).assumingMemoryBound(to: UInt64.self)
    }

    mutating func allocateTableFrame() -> UInt64? { PhysicalMemory.allocateZeroed() }

    mutating func freeTableFrame(_ physical: UInt64) { PhysicalMemory.free(physical) }
}

/// The one page-table tree of the VM: the kernel's mappings (supervisor-only) and the
/// application's (user) share it, as the address-space layout in DEVELOPERS.md describes.
enum KernelPageTables {
    nonisolated(unsafe) static var tables: PageTables<DirectMapTableMemory>? = nil

    /// The kernel's own PML4 (what kernel threads and dying processes run on).
    static var kernelRoot: UInt64 { tables!.root }
    static let lock = SpinLock()

    /// Builds the final kernel mappings and switches CR3 to them:
    /// - the kernel image identity-mapped with W^X (text RX, read-only data R, data RW, all NX but text);
    /// - the guard page below the boot stack left unmapped;
    /// - all RAM at the direct map, RW and NX, with 2 MiB pages where alignment allows — except
    ///   the kernel image's text, read-only data and symbols, read-only there too: W^X holds
    ///   across aliases, so no writable view of kernel code exists anywhere.
    static func build() {
        let nx = CPUFeatures.hasNX
        let t: PageTables<DirectMapTableMemory>
        do throws(PagingError) {
            t = try PageTables(memory: DirectMapTableMemory(), noExecuteSupported: nx)
        } catch {
            Panic.halt("out of memory building the kernel page tables")
        }
        tables = t
        let text = (UInt64(skiff_kernel_start()), UInt64(skiff_text_end()))
        let rodata = (UInt64(skiff_rodata_start()), UInt64(skiff_rodata_end()))
        let data = (UInt64(skiff_data_start()), UInt64(skiff_kernel_end()))
        let symbols = UInt64(skiff_ksyms_start())
        let symbolsEnd = (symbols + UInt64(max(KernelSymbols.byteSize, 16)) + 4095) & ~4095
        let guardPage = UInt64(skiff_boot_stack_guard())
        do throws(PagingError) {
            try identity(text, [.executable, .global])
            try identity(rodata, [.global])
            try identity(data, [.writable, .global])
            try identity((symbols, symbolsEnd), [.global])
            _ = try tables!.unmap(guardPage)
            for r in PhysicalMemory.ramRanges {
                try tables!.mapRange(
                    DirectMap.base + r.start, to: r.start, length: r.end - r.start, flags: [.writable, .global])
            }
            // The first megabyte: firmware tables, the PVH start info, the AP start-up page.
            try tables!.mapRange(DirectMap.base, to: 0, length: 0x10_0000, flags: [.writable, .global], replace: true)
            for range in [text, rodata, (symbols, symbolsEnd)] { try directMapAlias(range, [.global]) }
            // The kernel-stack region's top-level table must exist before any address space is
            // made, so they all share it.
            let rootEntries = DirectMapTableMemory().entries(at: tables!.root)
            if !PageTableEntry(rawValue: rootEntries[kernelStackSlot]).isPresent {
                guard let fresh = PhysicalMemory.allocateZeroed() else { throw .outOfMemory }
                rootEntries[kernelStackSlot] = PageTableEntry.table(fresh).rawValue
            }
        } catch {
            Panic.halt("cannot build the kernel page tables")
        }
        x86_write_cr3(tables!.root)
        x86_write_cr4(x86_read_cr4() | (1 << 7))  // PGE: keep global kernel entries across CR3 loads
        DirectMap.bootTablesRetired = true
    }

    // MARK: - Address spaces

    /// The PML4 slot of the kernel-stack region, whose table exists from boot so every address
    /// space shares it (a new top-level kernel entry would not reach existing address spaces).
    static let kernelStackSlot = Int(KernelStack.regionBase >> 39)

    /// A new address space's PML4: the kernel's half (slots 224–511) shared with the kernel
    /// tables, and slot 0 — where the kernel image sits below 4 MiB and user programs start at
    /// 4 MiB — with a private PDPT and page directory whose first two entries are the kernel
    /// image's page tables. Nil when memory is exhausted.
    static func newAddressSpaceRoot() -> UInt64? {
        let memory = DirectMapTableMemory()
        guard let kernelRoot = tables?.root,
            let root = PhysicalMemory.allocateZeroed(), let pdpt = PhysicalMemory.allocateZeroed(),
            let pd = PhysicalMemory.allocateZeroed()
        else { return nil }
        let template = memory.entries(at: kernelRoot)
        let mine = memory.entries(at: root)
        for slot in 224..<512 { mine[slot] = template[slot] }
        let kernelPDPT = memory.entries(at: PageTableEntry(rawValue: template[0]).physicalAddress)
        let kernelPD = memory.entries(at: PageTableEntry(rawValue: kernelPDPT[0]).physicalAddress)
        let newPD = memory.entries(at: pd)
        newPD[0] = kernelPD[0]
        newPD[1] = kernelPD[1]
        memory.entries(at: pdpt)[0] = PageTableEntry.table(pd).rawValue
        mine[0] = PageTableEntry.table(pdpt).rawValue
        return root
    }

    /// Frees what `newAddressSpaceRoot` allocated (after the user mappings are gone: the
    /// remaining user tables below slot 0's page directory and slots 1–223 are freed too).
    static func freeAddressSpaceRoot(_ root: UInt64) {
        var t = PageTables(root: root, memory: DirectMapTableMemory(), noExecuteSupported: CPUFeatures.hasNX)
        t.freeUserTables(pml4Slots: 1..<224)
        let memory = DirectMapTableMemory()
        let pdpt = PageTableEntry(rawValue: memory.entries(at: root)[0]).physicalAddress
        let pd = PageTableEntry(rawValue: memory.entries(at: pdpt)[0]).physicalAddress
        let pdEntries = memory.entries(at: pd)
        for i in 2..<512 {
            let e = PageTableEntry(rawValue: pdEntries[i])
            if e.isPresent && !e.isLargeLeaf { PhysicalMemory.free(e.physicalAddress) }
        }
        let pdptEntries = memory.entries(at: pdpt)
        for i in 1..<512 {
            let e = PageTableEntry(rawValue: pdptEntries[i])
            if e.isPresent && !e.isLargeLeaf { freeTree(e.physicalAddress, level: 2) }
        }
        PhysicalMemory.free(pd)
        PhysicalMemory.free(pdpt)
        PhysicalMemory.free(root)
    }

    private static func freeTree(_ table: UInt64, level: Int) {
        let memory = DirectMapTableMemory()
        if level > 1 {
            let entries = memory.entries(at: table)
            for i in 0..<512 {
                let e = PageTableEntry(rawValue: entries[i])
                if e.isPresent && !e.isLargeLeaf { freeTree(e.physicalAddress, level: level - 1) }
            }
        }
        PhysicalMemory.free(table)
    }

    /// Makes sure no CPU still runs on `root` (switching those that do to the kernel's tables),
    /// so it can be freed.
    static func retire(root: UInt64) {
        if x86_read_cr3() & ~0xFFF == root { x86_write_cr3(tables!.root) }
        TLB.retire(root: root, replacement: tables!.root)
    }

    private static func identity(_ range: (UInt64, UInt64), _ flags: PageFlags) throws(PagingError) {
        let start = range.0 & ~4095
        let end = (range.1 + 4095) & ~4095
        try tables!.mapRange(start, to: start, length: end - start, flags: flags, allowLarge: false)
    }

    /// Remaps the direct map's view of part of the kernel image with `flags` (splitting the
    /// 2 MiB pages around it).
    private static func directMapAlias(_ range: (UInt64, UInt64), _ flags: PageFlags) throws(PagingError) {
        let start = range.0 & ~4095
        let end = (range.1 + 4095) & ~4095
        try tables!.mapRange(DirectMap.base + start, to: start, length: end - start, flags: flags, allowLarge: false, replace: true)
    }

    /// Maps device registers uncached in the direct map; returns their virtual address.
    static func mapDevice(physical: UInt64, length: UInt64) -> UnsafeMutableRawPointer? {
        let start = physical & ~4095
        let end = (physical + length + 4095) & ~4095
        let ok: Bool = lock.withLock {
            var address = start
            while address < end {
                if tables!.translate(DirectMap.base + address) == nil {
                    do throws(PagingError) {
                        try tables!.map(DirectMap.base + address, to: address, flags: [.writable, .uncached, .global])
                    } catch { return false }
                }
                address += 4096
            }
            return true
        }
        return ok ? DirectMap.pointer(physical) : nil
    }

    /// Maps a page. Replacing an existing mapping needs a `TLB.shootdown` of the page.
    static func map(_ virtual: UInt64, to physical: UInt64, flags: PageFlags, replace: Bool = false) -> PagingError? {
        lock.withLock {
            do throws(PagingError) {
                try tables!.map(virtual, to: physical, flags: flags, replace: replace)
                return nil
            } catch { return error }
        }
    }

    /// Removes a mapping. The caller must `TLB.shootdown` the page before reusing its frame.
    @discardableResult
    static func unmap(_ virtual: UInt64) -> Mapping? {
        lock.withLock {
            let m = try? tables!.unmap(virtual)
            return m ?? nil
        }
    }

    /// Changes a mapping's rights. Reducing them needs a `TLB.shootdown` of the page.
    static func protect(_ virtual: UInt64, flags: PageFlags) -> Bool {
        lock.withLock { (try? tables!.protect(virtual, flags: flags)) ?? false }
    }

    static func translate(_ virtual: UInt64) -> Mapping? {
        guard let t = tables else { return nil }
        return t.translate(virtual)
    }
}
#endif
