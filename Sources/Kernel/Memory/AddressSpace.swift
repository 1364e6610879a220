#if SKIFF_KERNEL
import CKernel
import LinuxABI
import Memory

/// An application's address space: its memory areas and the pages behind them.
///
/// Pages are allocated when first touched (demand paging): anonymous memory, the heap and the
/// stack get a zeroed frame; a write to a read-only borrowed page (a page of the in-RAM image)
/// gets a private copy. A fault outside every area, or against an area's protection, is not
/// resolved and becomes SIGSEGV for the application.
final class AddressSpace {
    /// Lowest address an application may map (Linux's default `mmap_min_addr`).
    static let minimum: UInt64 = 0x1_0000
    /// Top of the main thread's stack and the size reserved below it.
    static let stackTop: UInt64 = 0x6FFF_FFFF_F000
    static let stackSize: UInt64 = 8 << 20
    /// `mmap` without a hint searches downwards from here (below the stack and a guard gap).
    static let mmapTop: UInt64 = 0x6FFF_0000_0000
    /// Where position-independent executables are loaded (Linux's ELF_ET_DYN_BASE for 47 bits).
    static let executableBase: UInt64 = 0x5555_5555_4000

    var map: AddressSpaceMap
    let lock = SpinLock()
    var heapStart: UInt64 = 0
    var heapEnd: UInt64 = 0
    /// Frames owned by this address space, for /proc and the memory statistics.
    var residentPages = 0

    init() {
        map = AddressSpaceMap(minAddress: Self.minimum, maxAddress: UserMemory.limit)!
    }

    static func pageFlags(_ p: MemoryProtection) -> PageFlags? {
        if p.isEmpty { return nil }
        var f: PageFlags = [.user]
        if p.contains(.write) { f.insert(.writable) }
        if p.contains(.execute) { f.insert(.executable) }
        return f
    }

    // MARK: - Page faults

    /// Resolves a page fault at `address` with the x86 error code; false when it is a real
    /// access violation.
    func handleFault(address: UInt64, errorCode: UInt64) -> Bool {
        let write = errorCode & 2 != 0
        let fetch = errorCode & 16 != 0
        let present = errorCode & 1 != 0
        var replaced = false
        let resolved: Bool = lock.withLock {
            guard let area = map.area(containing: address) else { return false }
            let p = area.attributes.protection
            if write && !p.contains(.write) { return false }
            if fetch && !p.contains(.execute) { return false }
            if !write && !fetch && p.isEmpty { return false }
            guard let flags = Self.pageFlags(p) else { return false }
            let page = address & ~4095
            if present {
                // Write to a page mapped read-only: copy-on-write of a borrowed page.
                guard write, let m = KernelPageTables.translate(page), m.flags.contains(.borrowed) else {
                    // A stale TLB entry after a protection upgrade resolves itself.
                    if let m = KernelPageTables.translate(page), m.flags.contains(.writable) || !write {
                        x86_invlpg(page)
                        return true
                    }
                    return false
                }
                guard let copy = PhysicalMemory.allocate() else { return false }
                DirectMap.pointer(copy).copyMemory(from: DirectMap.pointer(m.physical & ~4095), byteCount: 4096)
                guard KernelPageTables.map(page, to: copy, flags: flags, replace: true) == nil else {
                    PhysicalMemory.free(copy)
                    return false
                }
                residentPages += 1
                replaced = true
                return true
            }
            guard let frame = PhysicalMemory.allocateZeroed() else { return false }
            guard KernelPageTables.map(page, to: frame, flags: flags) == nil else {
                PhysicalMemory.free(frame)
                return false
            }
            residentPages += 1
            return true
        }
        if replaced {
            // Other CPUs may still read the old read-only page.
            if x86_read_rflags() & 0x200 != 0 {
                TLB.shootdown([address & ~4095])
            } else {
                x86_invlpg(address & ~4095)
            }
        }
        return resolved
    }

    // MARK: - Mapping

    /// Maps fresh zero pages (populated on demand) with `protection`.
    func mapAnonymous(
        at address: UInt64?, size: UInt64, protection: MemoryProtection, kind: MemoryAreaKind = .anonymous,
        flags: MemoryAreaFlags = [], fixed: Bool = false
    ) -> Result<UInt64, Errno> {
        let attributes = AreaAttributes(protection: protection, kind: kind, flags: flags)
        var released = Released()
        let result: Result<UInt64, Errno> = lock.withLock {
            do throws(AddressSpaceError) {
                if fixed, let address {
                    let replaced = try map.map(at: address, size: size, attributes: attributes)
                    for r in replaced { releasePages(r.start, r.end, into: &released) }
                    return .success(address)
                }
                return .success(try map.map(size: size, attributes: attributes, hint: address, below: Self.mmapTop))
            } catch {
                return .failure(Self.errno(error))
            }
        }
        released.complete()
        return result
    }

    /// Copies `bytes` into the address space at `address` (which must be mapped), allocating the
    /// pages now. Used by the program loader, which writes through the direct map.
    func populate(at address: UInt64, bytes: UnsafeRawBufferPointer) -> Errno? {
        lock.withLock {
            var offset = 0
            while offset < bytes.count {
                let va = address + UInt64(offset)
                let page = va & ~4095
                let inPage = min(bytes.count - offset, Int(page + 4096 - va))
                guard let frame = framePopulating(page) else { return .ENOMEM }
                let destination = DirectMap.pointer(frame + (va - page))
                destination.copyMemory(from: bytes.baseAddress! + offset, byteCount: inPage)
                offset += inPage
            }
            return nil
        }
    }

    /// The frame behind `page`, allocating a zeroed one now if none is mapped yet.
    private func framePopulating(_ page: UInt64) -> UInt64? {
        if let m = KernelPageTables.translate(page) { return m.physical & ~4095 }
        guard let area = map.area(containing: page) else { return nil }
        guard let frame = PhysicalMemory.allocateZeroed() else { return nil }
        // PROT_NONE areas still get their contents (the loader fills, mprotect opens later):
        // map supervisor-only until then.
        let flags = Self.pageFlags(area.attributes.protection) ?? []
        guard KernelPageTables.map(page, to: frame, flags: flags) == nil else {
            PhysicalMemory.free(frame)
            return nil
        }
        residentPages += 1
        return frame
    }

    func unmap(_ start: UInt64, size: UInt64) -> Errno? {
        var released = Released()
        let error: Errno? = lock.withLock {
            do throws(AddressSpaceError) {
                let removed = try map.unmap(start: start, size: size)
                for r in removed { releasePages(r.start, r.end, into: &released) }
                return nil
            } catch {
                return Self.errno(error)
            }
        }
        released.complete()
        return error
    }

    func protect(_ start: UInt64, size: UInt64, protection: MemoryProtection) -> Errno? {
        var reduced: [UInt64] = []
        let error: Errno? = lock.withLock {
            do throws(AddressSpaceError) {
                try map.protect(start: start, size: size, protection: protection)
            } catch {
                return error == .notMapped ? .ENOMEM : Self.errno(error)
            }
            var va = start
            while va < start + size {
                if let m = KernelPageTables.translate(va) {
                    if let flags = Self.pageFlags(protection) {
                        // A borrowed page stays read-only until its copy-on-write fault.
                        var f = flags
                        if m.flags.contains(.borrowed) {
                            f.remove(.writable)
                            f.insert(.borrowed)
                        }
                        _ = KernelPageTables.protect(va, flags: f)
                        if m.flags.contains(.writable) && !f.contains(.writable)
                            || m.flags.contains(.executable) && !f.contains(.executable)
                        {
                            reduced.append(va)
                        }
                    } else {
                        _ = KernelPageTables.protect(va, flags: m.flags.contains(.borrowed) ? [.borrowed] : [])
                        reduced.append(va)
                    }
                }
                va += 4096
            }
            return nil
        }
        if !reduced.isEmpty { Reclaim.after(shootdown: reduced, free: []) }
        return error
    }

    /// Pages unmapped under the lock, to be shot down and freed once it is released.
    struct Released {
        var pages: [UInt64] = []
        var frames: [UInt64] = []

        func complete() {
            if !pages.isEmpty { Reclaim.after(shootdown: pages, free: frames) }
        }
    }

    /// Removes the page-table entries of `[start, end)`, collecting the pages for the TLB
    /// shootdown and the frames this address space owns for freeing after it. Called with the
    /// lock held.
    private func releasePages(_ start: UInt64, _ end: UInt64, into released: inout Released) {
        KernelPageTables.lock.withLock {
            try? KernelPageTables.tables!.unmapRange(start, end) { va, m in
                released.pages.append(va)
                if !m.flags.contains(.borrowed) {
                    released.frames.append(m.physical & ~4095)
                    residentPages -= 1
                }
            }
        }
    }

    /// Unmaps everything (the process is gone).
    func destroy() {
        var released = Released()
        lock.withLock {
            for area in map.areas { releasePages(area.start, area.end, into: &released) }
            if let all = try? map.unmap(start: Self.minimum, size: UserMemory.limit - Self.minimum) { _ = all }
        }
        released.complete()
    }

    static func errno(_ e: AddressSpaceError) -> Errno {
        switch e {
        case .misaligned, .invalidSize: .EINVAL
        case .outOfRange, .noSpace, .notMapped: .ENOMEM
        }
    }
}
#endif
