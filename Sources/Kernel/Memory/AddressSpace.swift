#if SKIFF_KERNEL
import Boot
import CKernel
import LinuxABI
import Memory
import Scheduling
import VFS

/// An application's address space: its memory areas and the pages behind them.
///
/// Pages are allocated when first touched (demand paging): anonymous memory, the heap and the
/// stack get a zeroed frame; a write to a read-only borrowed page (a page of the in-RAM image)
/// gets a private copy. A fault outside every area, or against an area's protection, is not
/// resolved and becomes SIGSEGV for the application.
final class AddressSpace {
    /// Lowest address an application may map: the kernel image sits below (Linux's
    /// `mmap_min_addr` is 64 KiB; executables are linked at 4 MiB, so nothing needs lower).
    static let minimum: UInt64 = UserMemory.floor
    /// The size reserved for the main thread's stack.
    static let stackSize: UInt64 = AddressSpaceLayout.stackReservation

    /// Where the executable, heap, stack and mmap area go: randomised for each new address
    /// space (each `execve`), fixed with `--no-aslr`; a fork keeps its parent's.
    var layout: AddressSpaceLayout

    var map: AddressSpaceMap
    /// This address space's page tables: its own PML4, sharing the kernel's half (see
    /// `KernelPageTables.newAddressSpaceRoot`). Guarded by `lock`.
    var tables: PageTables<DirectMapTableMemory>
    let lock = SpinLock()
    /// Processes using it (a vfork child shares its parent's until it execs).
    var users = 1
    var heapStart: UInt64 = 0
    var heapEnd: UInt64 = 0
    /// `destroy()` has begun: the page tables are going or gone. The last thread of an exiting
    /// process still runs kernel code after that, and must then run on the kernel's tables.
    private(set) var isDestroyed = false
    /// Frames owned by this address space, for /proc and the memory statistics.
    var residentPages = 0

    /// Objects mapped into this address space — files, and the pages of shared anonymous
    /// mappings; an area's `file` attribute is index + 1.
    struct MappedFile {
        var node: VNode?
        var shared: SharedPages?
        var name: [UInt8]
        /// The file's pages for its `MAP_SHARED` areas (attached once per address space).
        var filePages: SharedFilePages? = nil
    }
    var mappedFiles = SlotMap<MappedFile>()

    /// The file each part of the loaded program came from. The loader copies segments into
    /// anonymous memory; these say what /proc/PID/maps should name them. Guarded by `lock`.
    struct SegmentName {
        var start: UInt64
        var end: UInt64
        /// The file offset of `start`.
        var fileOffset: UInt64
        var name: [UInt8]
        var device: DeviceNumber
        var inode: UInt64
    }
    var segmentNames: [SegmentName] = []

    /// Nil when there is no memory for the page-table root.
    init?() {
        map = AddressSpaceMap(minAddress: Self.minimum, maxAddress: UserMemory.limit)!
        layout = Kernel.options.noASLR ? .fixed : .randomized { Entropy.next() }
        guard let root = KernelPageTables.newAddressSpaceRoot() else { return nil }
        tables = PageTables(root: root, memory: DirectMapTableMemory(), noExecuteSupported: CPUFeatures.hasNX)
    }

    var root: UInt64 { tables.root }

    // MARK: - Page-table entries (called with `lock` held)

    func translate(_ virtual: UInt64) -> Mapping? { tables.translate(virtual) }

    func mapPage(_ virtual: UInt64, to physical: UInt64, flags: PageFlags, replace: Bool = false) -> PagingError? {
        do throws(PagingError) {
            try tables.map(virtual, to: physical, flags: flags, replace: replace)
            return nil
        } catch { return error }
    }

    func unmapPage(_ virtual: UInt64) -> Mapping? {
        (try? tables.unmap(virtual)) ?? nil
    }

    func protectPage(_ virtual: UInt64, flags: PageFlags) -> Bool {
        (try? tables.protect(virtual, flags: flags)) ?? false
    }

    /// Reads the mapping of `virtual` taking the lock (for callers outside it).
    func lockedTranslate(_ virtual: UInt64) -> Mapping? { lock.withLock { translate(virtual) } }

    static func pageFlags(_ p: MemoryProtection) -> PageFlags? {
        if p.isEmpty { return nil }
        var f: PageFlags = [.user]
        if p.contains(.write) { f.insert(.writable) }
        if p.contains(.execute) { f.insert(.executable) }
        return f
    }

    // MARK: - Page faults

    /// How a page fault ended: the page is there now, the access is not allowed (SIGSEGV), or
    /// it is allowed but no memory was left for it (the process is killed, as Linux's OOM
    /// killer would).
    enum FaultOutcome {
        case resolved
        /// A shared file mapping's page lies past the end of the file (SIGBUS, as on Linux).
        case beyondFile
        case violation
        case outOfMemory
    }

    /// Resolves a page fault at `address` with the x86 error code.
    func handleFault(address: UInt64, errorCode: UInt64) -> FaultOutcome {
        var failure = FaultOutcome.violation
        if resolveFault(address: address, errorCode: errorCode, failure: &failure) { return .resolved }
        return failure
    }

    /// MAP_POPULATE: faults in `size` bytes from `start` now, for writing when `write` (so a
    /// private mapping gets its own pages). Stops quietly at the first page that cannot be had:
    /// the mapping stands, and later accesses fault as usual (what Linux does).
    func populate(_ start: UInt64, size: UInt64, write: Bool) {
        var page = start
        while page < start &+ size {
            guard handleFault(address: page, errorCode: (write ? 2 : 0) | 4) == .resolved else { return }
            page &+= 4096
        }
    }

    /// The fault's work; false when it could not be resolved, with `failure` saying why when
    /// the access was allowed (no frame to be had, past the end of a shared file).
    private func resolveFault(address: UInt64, errorCode: UInt64, failure: inout FaultOutcome) -> Bool {
        let write = errorCode & 2 != 0
        let fetch = errorCode & 16 != 0
        let present = errorCode & 1 != 0
        var replaced = false
        var fileRead: (node: VNode, offset: UInt64, attributes: AreaAttributes)? = nil
        var sharedRead: (pages: SharedFilePages, node: VNode, offset: UInt64, attributes: AreaAttributes)? = nil
        let resolved: Bool = lock.withLock {
            guard let area = map.area(containing: address) else { return false }
            let p = area.attributes.protection
            if write && !p.contains(.write) { return false }
            if fetch && !p.contains(.execute) { return false }
            if !write && !fetch && p.isEmpty { return false }
            guard let flags = Self.pageFlags(p) else { return false }
            let page = address & ~4095
            if present && write && area.attributes.kind == .sharedFile,
                let file = mappedFiles[Int(area.attributes.file) - 1], let pages = file.filePages, let node = file.node
            {
                // First store to a copied page of a shared file since it was mapped: it must go
                // back to the file, so it is marked before the store can happen (outside this lock).
                sharedRead = (pages, node, area.attributes.fileOffset &+ (page - area.start), area.attributes)
                return false
            }
            if present {
                // Write to a page mapped read-only: copy-on-write of a borrowed page.
                guard write, area.attributes.kind.isCopiedOnWrite, let m = translate(page), m.flags.contains(.borrowed) else {
                    // A stale TLB entry after a protection upgrade resolves itself.
                    if let m = translate(page), m.flags.contains(.writable) || !write {
                        x86_invlpg(page)
                        return true
                    }
                    return false
                }
                guard let copy = PhysicalMemory.allocate() else {
                    failure = .outOfMemory
                    return false
                }
                DirectMap.pointer(copy).copyMemory(from: DirectMap.pointer(m.physical & ~4095), byteCount: 4096)
                guard mapPage(page, to: copy, flags: flags, replace: true) == nil else {
                    PhysicalMemory.free(copy)
                    return false
                }
                residentPages += 1
                replaced = true
                return true
            }
            // Another CPU resolved the same fault first (two threads touching one page at once —
            // seen with the vDSO clock page): the mapping is there and allows the access, so the
            // instruction is retried rather than mapping over it and failing.
            if !present, let m = translate(page), !write || m.flags.contains(.writable) {
                x86_invlpg(page)
                return true
            }
            if area.attributes.kind.isKernelShared {
                // The kernel's page, read-only: writable mappings of the vDSO copy it on write.
                let index = (area.attributes.fileOffset &+ (page - area.start)) / 4096
                guard let frame = VDSO.frame(area.attributes.kind, page: index) else { return false }
                var shared = flags
                shared.remove(.writable)
                shared.insert(.borrowed)
                return mapPage(page, to: frame, flags: shared) == nil
            }
            if area.attributes.kind == .sharedAnonymous, let object = mappedFiles[Int(area.attributes.file) - 1]?.shared {
                let index = Int((area.attributes.fileOffset &+ (page - area.start)) / 4096)
                guard let frame = object.frame(index) else { return false }
                var shared = flags
                shared.insert(.borrowed)  // the object owns the frame
                return mapPage(page, to: frame, flags: shared, replace: present) == nil
            }
            if area.attributes.kind == .sharedFile, let file = mappedFiles[Int(area.attributes.file) - 1],
                let pages = file.filePages, let node = file.node
            {
                // The file's shared page, found or read outside the lock (reading may sleep).
                sharedRead = (pages, node, area.attributes.fileOffset &+ (page - area.start), area.attributes)
                return false
            }
            if area.attributes.kind.isFileBacked, let file = mappedFiles[Int(area.attributes.file) - 1], let fileNode = file.node {
                let offset = area.attributes.fileOffset &+ (page - area.start)
                // A page of the in-RAM image, page-aligned in memory: map it in place, read-only,
                // and copy it only if written (copy-on-write).
                if let contents = fileNode.mappedContents(), offset < UInt64(contents.count),
                    let base = contents.baseAddress
                {
                    let physical = DirectMap.physical(base) &+ offset
                    if physical & 4095 == 0 {
                        var borrowed = flags
                        borrowed.remove(.writable)
                        borrowed.insert(.borrowed)
                        guard mapPage(page, to: physical, flags: borrowed) == nil else { return false }
                        if write && area.attributes.kind == .privateFile {
                            return false  // retried below: the write fault now copies the page
                        }
                        return true
                    }
                }
                // Otherwise the data is read outside the lock (reading may sleep).
                fileRead = (fileNode, offset, area.attributes)
                return false
            }
            guard let frame = PhysicalMemory.allocateZeroed() else {
                failure = .outOfMemory
                return false
            }
            guard mapPage(page, to: frame, flags: flags) == nil else {
                PhysicalMemory.free(frame)
                return false
            }
            residentPages += 1
            return true
        }
        if let (node, offset, attributes) = fileRead {
            return populateFromFile(page: address & ~4095, node: node, offset: offset, attributes: attributes, failure: &failure)
        }
        if let (pages, node, offset, attributes) = sharedRead {
            return mapSharedFilePage(
                address & ~4095, pages: pages, node: node, offset: offset, attributes: attributes, write: write, failure: &failure)
        }
        if !resolved, write, !present, let area = lock.withLock({ map.area(containing: address) }),
            area.attributes.kind.isCopiedOnWrite,
            lock.withLock({ translate(address & ~4095) })?.flags.contains(.borrowed) == true
        {
            // The borrowed page was just mapped by a write fault: take the copy-on-write path.
            return resolveFault(address: address, errorCode: errorCode | 1, failure: &failure)
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

    /// Reads a file page into a fresh frame and maps it, unless the area changed meanwhile.
    private func populateFromFile(page: UInt64, node: VNode, offset: UInt64, attributes: AreaAttributes, failure: inout FaultOutcome) -> Bool {
        guard let frame = PhysicalMemory.allocateZeroed() else {
            failure = .outOfMemory
            return false
        }
        let destination = UnsafeMutableRawBufferPointer(start: DirectMap.pointer(frame), count: 4096)
        let done = (try? node.read(filling: destination, at: offset)) ?? 0
        // Pages shared mappings hold are newer than the file.
        node.sharedPages?.overlay(at: offset, into: UnsafeMutableRawBufferPointer(rebasing: destination[0..<done]))
        let mapped: Bool = lock.withLock {
            guard let area = map.area(containing: page), area.attributes.file == attributes.file,
                area.attributes.fileOffset &+ (page - area.start) == offset,
                let flags = Self.pageFlags(area.attributes.protection)
            else { return false }
            if translate(page) != nil { return true }  // another thread got there first
            guard mapPage(page, to: frame, flags: flags) == nil else { return false }
            residentPages += 1
            return true
        }
        if !mapped || lock.withLock({ translate(page) })?.physical != frame { PhysicalMemory.free(frame) }
        return mapped
    }

    /// Maps the shared page of a file at `page`, unless the area changed meanwhile. A copied
    /// page is mapped writable only once a store to it is due, and marked dirty first, so that
    /// every page a mapping changed is written back (`SharedFilePages`); a lent page (tmpfs) is
    /// the file's own memory and is mapped with the area's rights at once.
    private func mapSharedFilePage(
        _ page: UInt64, pages: SharedFilePages, node: VNode, offset: UInt64, attributes: AreaAttributes, write: Bool,
        failure: inout FaultOutcome
    ) -> Bool {
        let memory: UnsafeMutableRawPointer
        do throws(Errno) {
            guard let found = try pages.page(at: offset / 4096, of: node) else {
                failure = .beyondFile
                return false
            }
            memory = found
        } catch {
            failure = error == .ENOMEM ? .outOfMemory : .beyondFile
            return false
        }
        if write { pages.markDirty(offset / 4096) }
        let frame = DirectMap.physical(memory)
        return lock.withLock {
            guard let area = map.area(containing: page), area.attributes.file == attributes.file,
                area.attributes.kind == .sharedFile, area.attributes.fileOffset &+ (page - area.start) == offset,
                var flags = Self.pageFlags(area.attributes.protection)
            else { return false }
            if !write && !pages.areLent { flags.remove(.writable) }
            flags.insert(.borrowed)  // the file's pages object owns the frame
            if let m = translate(page) {
                guard m.physical & ~4095 == frame else { return false }
                if m.flags.contains(.writable) || !flags.contains(.writable) {
                    x86_invlpg(page)  // another thread got there first
                    return true
                }
                guard protectPage(page, flags: flags) else { return false }
                x86_invlpg(page)
                return true
            }
            return mapPage(page, to: frame, flags: flags) == nil
        }
    }

    // MARK: - Mapping

    /// Maps `size` bytes of `node` from `offset` (page-aligned). Private mappings copy on write.
    /// Shared ones map the file's `SharedFilePages`, the same pages in every process; those of
    /// a file in the in-RAM image map the image (it cannot change).
    func mapFile(
        at address: UInt64?, size: UInt64, protection: MemoryProtection, node: VNode, name: [UInt8], offset: UInt64,
        shared: Bool, fixed: Bool
    ) -> Result<UInt64, Errno> {
        var released = Released()
        let filePages: SharedFilePages? =
            shared && node.mappedContents() == nil
            ? node.sharedPages(orMake: {
                SharedFilePages(for: node, lock: FileSystems.lockFactory.makeLock(), allocator: FileSystems.pages)
            }) : nil
        let result: Result<UInt64, Errno> = lock.withLock {
            // Reuse the file's entry when it is mapped already.
            var id = 0
            mappedFiles.forEach { i, f in if id == 0 && f.node === node { id = i + 1 } }
            if id == 0 { id = register(MappedFile(node: node, shared: nil, name: name)) }
            if let filePages, mappedFiles[id - 1]?.filePages == nil {
                filePages.attach()
                mappedFiles[id - 1]?.filePages = filePages
            }
            let attributes = AreaAttributes(
                protection: protection, kind: shared ? .sharedFile : .privateFile, file: UInt64(id), fileOffset: offset)
            do throws(AddressSpaceError) {
                if fixed, let address {
                    let replaced = try map.map(at: address, size: size, attributes: attributes)
                    for r in replaced { releasePages(r.start, r.end, into: &released) }
                    forgetUnmappedFiles(into: &released)
                    return .success(address)
                }
                return .success(try map.map(size: size, attributes: attributes, hint: address, below: layout.mmapTop))
            } catch {
                forgetUnmappedFiles(into: &released)
                return .failure(Self.errno(error))
            }
        }
        released.complete()
        return result
    }

    /// Drops object entries no area refers to any more (called with the lock held). The objects
    /// are kept alive in `released` until the TLB shootdown: a shared object frees its frames
    /// when it goes.
    private func forgetUnmappedFiles(into released: inout Released) {
        var referenced = [Bool](repeating: false, count: 64)
        for area in map.areas where area.attributes.kind.isFileBacked || area.attributes.kind == .sharedAnonymous {
            let i = Int(area.attributes.file) - 1
            while referenced.count <= i { referenced.append(false) }
            referenced[i] = true
        }
        var drop: [Int] = []
        mappedFiles.forEach { i, _ in if i >= referenced.count || !referenced[i] { drop.append(i) } }
        for i in drop {
            if let object = mappedFiles[i] { released.objects.append(object) }
            mappedFiles[i] = nil
        }
    }

    /// `mremap`: grows in place when the space after is free, otherwise (with `mayMove`) moves
    /// the pages to a new range — moving the page-table entries, not copying the data.
    /// `mremap`; with a `destination` (MREMAP_FIXED) the mapping moves there, replacing what
    /// was mapped at it (the map checks the destination: aligned, not overlapping, in range).
    func remap(_ start: UInt64, oldSize: UInt64, newSize: UInt64, mayMove: Bool, destination: UInt64? = nil) -> SyscallResult {
        var released = Released()
        var moved: [UInt64] = []
        let result: SyscallResult = lock.withLock {
            guard let area = map.area(containing: start), start + oldSize <= area.end else { return .failure(.EFAULT) }
            let newStart: UInt64
            do throws(AddressSpaceError) {
                newStart = try map.remap(start: start, oldSize: oldSize, newSize: newSize, mayMove: mayMove, destination: destination)
            } catch {
                return .failure(error == .notMapped ? .EFAULT : Self.errno(error))
            }
            if newStart != start {
                if destination != nil {
                    // What was mapped at the destination goes first.
                    releasePages(newStart, newStart &+ newSize, into: &released)
                    forgetUnmappedFiles(into: &released)
                }
                // Move each mapped page that stays to its new address; drop the rest.
                let kept = min(oldSize, newSize)
                var offset: UInt64 = 0
                while offset < kept {
                    if let m = unmapPage(start + offset) {
                        moved.append(start + offset)
                        _ = mapPage(newStart + offset, to: m.physical & ~4095, flags: m.flags)
                    }
                    offset += 4096
                }
                if newSize < oldSize { releasePages(start + kept, start + oldSize, into: &released) }
                if !moved.isEmpty || !released.pages.isEmpty { holdBack(start, start + oldSize, into: &released) }
            } else if newSize < oldSize {
                releasePages(start + newSize, start + oldSize, into: &released)
                if !released.pages.isEmpty { holdBack(start + newSize, start + oldSize, into: &released) }
            }
            return .success(Int(newStart))
        }
        if !moved.isEmpty { Reclaim.after(shootdown: moved, free: []) }
        complete(&released)
        return result
    }

    /// `madvise(MADV_DONTNEED)`: drops the pages; the next touch sees zeros (anonymous) or the
    /// file's data (private file mappings), as on Linux.
    func discard(_ start: UInt64, size: UInt64) {
        var released = Released()
        lock.withLock { releasePages(start, start + size, into: &released) }
        released.complete()
    }

    /// Maps fresh zero pages (populated on demand) with `protection`.
    func mapAnonymous(
        at address: UInt64?, size: UInt64, protection: MemoryProtection, kind: MemoryAreaKind = .anonymous,
        flags: MemoryAreaFlags = [], fixed: Bool = false
    ) -> Result<UInt64, Errno> {
        var released = Released()
        let result: Result<UInt64, Errno> = lock.withLock {
            var attributes = AreaAttributes(protection: protection, kind: kind, flags: flags)
            if kind == .sharedAnonymous {
                let id = register(MappedFile(node: nil, shared: SharedPages(pages: Int(size / 4096)), name: Array("/dev/zero (deleted)".utf8)))
                attributes = AreaAttributes(protection: protection, kind: kind, flags: flags, file: UInt64(id), fileOffset: 0)
            }
            do throws(AddressSpaceError) {
                if fixed, let address {
                    let replaced = try map.map(at: address, size: size, attributes: attributes)
                    for r in replaced { releasePages(r.start, r.end, into: &released) }
                    forgetUnmappedFiles(into: &released)
                    return .success(address)
                }
                return .success(try map.map(size: size, attributes: attributes, hint: address, below: layout.mmapTop))
            } catch {
                return .failure(Self.errno(error))
            }
        }
        released.complete()
        return result
    }

    /// Maps `parts` one after another in a free range of the mmap area, each an area of a
    /// kernel-shared kind whose pages come from the kernel on first touch; returns the start of
    /// the first, or nil when there is no room.
    func mapKernelShared(_ parts: [(kind: MemoryAreaKind, size: UInt64, protection: MemoryProtection)]) -> UInt64? {
        let total = parts.reduce(0) { $0 + $1.size }
        return lock.withLock {
            guard let start = map.findFreeRange(size: total, below: layout.mmapTop) else { return nil }
            var at = start
            for part in parts {
                let attributes = AreaAttributes(protection: part.protection, kind: part.kind, fileOffset: 0)
                do throws(AddressSpaceError) { try map.map(at: at, size: part.size, attributes: attributes) } catch {
                    return nil
                }
                at += part.size
            }
            return start
        }
    }

    /// Adds an object to the mapped-object table; returns its id (index + 1).
    private func register(_ object: MappedFile) -> Int {
        var slot = 0
        while mappedFiles[slot] != nil { slot += 1 }
        mappedFiles[slot] = object
        return slot + 1
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

    /// Writes `value` into this address space (which need not be the current one), faulting
    /// the page in: `clone(CLONE_CHILD_SETTID)` into a forked child.
    func store<T: FixedWidthInteger>(_ value: T, at address: UInt64) -> Errno? {
        guard UserMemory.isValid(address, MemoryLayout<T>.size), address & UInt64(MemoryLayout<T>.size - 1) == 0 else {
            return .EFAULT
        }
        return lock.withLock {
            guard let frame = framePopulating(address & ~4095) else { return .EFAULT }
            DirectMap.pointer(frame + (address & 4095)).storeBytes(of: value.littleEndian, as: T.self)
            return nil
        }
    }

    /// The frame behind `page`, allocating a zeroed one now if none is mapped yet.
    private func framePopulating(_ page: UInt64) -> UInt64? {
        if let m = translate(page) { return m.physical & ~4095 }
        guard let area = map.area(containing: page) else { return nil }
        guard let frame = PhysicalMemory.allocateZeroed() else { return nil }
        // PROT_NONE areas still get their contents (the loader fills, mprotect opens later):
        // map supervisor-only until then.
        let flags = Self.pageFlags(area.attributes.protection) ?? []
        guard mapPage(page, to: frame, flags: flags) == nil else {
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
                for r in removed {
                    let before = released.pages.count
                    releasePages(r.start, r.end, into: &released)
                    if released.pages.count > before { holdBack(r.start, r.end, into: &released) }
                }
                forgetSegmentNames(start, start &+ size)
                forgetUnmappedFiles(into: &released)
                return nil
            } catch {
                return Self.errno(error)
            }
        }
        complete(&released)
        return error
    }

    /// Placeholder areas: no access, reserved until `complete` drops them.
    private static let heldBackAttributes = AreaAttributes(protection: [], kind: .anonymous, flags: [.unmapping])

    /// Keeps `[start, end)`, whose pages were just released, from being mapped again until the
    /// TLB shootdown that follows the lock: another CPU may still translate those addresses to
    /// the old frames, and memory newly mapped there would be written through the stale
    /// entries and read back as zeros (found as detached threads whose new stack lost what
    /// `pthread_create` wrote, when another thread's stack had just been unmapped there). Linux
    /// holds mmap_lock across the flush; this lock cannot be held across a shootdown. Only the
    /// parts still free are reserved. Called with the lock held.
    private func holdBack(_ start: UInt64, _ end: UInt64, into released: inout Released) {
        if map.isFree(start: start, size: end - start) {
            if (try? map.map(at: start, size: end - start, attributes: Self.heldBackAttributes)) != nil {
                released.heldBack.append((start, end))
            }
            return
        }
        var at = start
        while at < end {
            // The free stretch from `at`, page by page up to the next mapped area.
            var stretchEnd = at
            while stretchEnd < end && map.area(containing: stretchEnd) == nil { stretchEnd += 4096 }
            if stretchEnd > at, (try? map.map(at: at, size: stretchEnd - at, attributes: Self.heldBackAttributes)) != nil {
                released.heldBack.append((at, stretchEnd))
            }
            at = stretchEnd
            while at < end && map.area(containing: at) != nil { at += 4096 }
        }
    }

    /// Shoots down and frees what `released` holds, then gives the ranges it held back to the
    /// address space again (releasing anything a racing `mprotect` let be faulted into them).
    private func complete(_ released: inout Released) {
        let ranges = released.heldBack
        released.complete()
        guard !ranges.isEmpty else { return }
        var again = Released()
        lock.withLock {
            for (start, end) in ranges {
                var pieces: [(UInt64, UInt64)] = []
                for area in map.areas where area.end > start && area.start < end && area.attributes.flags.contains(.unmapping) {
                    pieces.append((max(area.start, start), min(area.end, end)))
                }
                for (s, e) in pieces {
                    guard let removed = try? map.unmap(start: s, size: e - s) else { continue }
                    for r in removed { releasePages(r.start, r.end, into: &again) }
                }
            }
        }
        again.complete()
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
                if let m = translate(va) {
                    if let flags = Self.pageFlags(protection) {
                        // A borrowed page of a private file mapping or the vDSO stays read-only
                        // until its copy-on-write fault, the clock page always; pages of shared
                        // objects keep their rights.
                        var f = flags
                        if m.flags.contains(.borrowed) {
                            f.insert(.borrowed)
                            if let area = map.area(containing: va), area.attributes.kind.isCopiedOnWrite || area.attributes.kind == .vvar
                                || !m.flags.contains(.writable) && isCopiedFilePage(area)
                            {
                                // A copied page of a shared file becomes writable at its first store,
                                // which marks it for write-back.
                                f.remove(.writable)
                            }
                        }
                        _ = protectPage(va, flags: f)
                        if m.flags.contains(.writable) && !f.contains(.writable)
                            || m.flags.contains(.executable) && !f.contains(.executable)
                        {
                            reduced.append(va)
                        }
                    } else {
                        _ = protectPage(va, flags: m.flags.contains(.borrowed) ? [.borrowed] : [])
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

    /// Whether `area` maps a shared file through copies of its pages (not tmpfs's own).
    private func isCopiedFilePage(_ area: MemoryArea) -> Bool {
        guard area.attributes.kind == .sharedFile, let pages = mappedFiles[Int(area.attributes.file) - 1]?.filePages else { return false }
        return !pages.areLent
    }

    /// Pages unmapped under the lock, to be shot down and freed once it is released.
    struct Released {
        var pages: [UInt64] = []
        var frames: [UInt64] = []
        /// Ranges reserved by `holdBack` until the shootdown is done.
        var heldBack: [(UInt64, UInt64)] = []
        /// Mapped objects whose last area went; released after the shootdown.
        var objects: [MappedFile] = []

        mutating func complete() {
            if !pages.isEmpty { Reclaim.after(shootdown: pages, free: frames) }
            AddressSpace.detach(objects)
            objects.removeAll()
        }
    }

    /// Removes the page-table entries of `[start, end)`, collecting the pages for the TLB
    /// shootdown and the frames this address space owns for freeing after it. Called with the
    /// lock held.
    private func releasePages(_ start: UInt64, _ end: UInt64, into released: inout Released) {
        try? tables.unmapRange(start, end) { va, m in
            released.pages.append(va)
            if !m.flags.contains(.borrowed) {
                released.frames.append(m.physical & ~4095)
                residentPages -= 1
            }
        }
    }

    /// The shared files mapped in `[start, start + size)`, each once; nil when part of the range
    /// is not mapped (msync's ENOMEM).
    func sharedFiles(_ start: UInt64, size: UInt64) -> [(SharedFilePages, VNode)]? {
        lock.withLock {
            guard map.isMapped(start: start, size: size) else { return nil }
            var files: [(SharedFilePages, VNode)] = []
            for area in map.areas where area.attributes.kind == .sharedFile && area.start < start &+ size && area.end > start {
                guard let object = mappedFiles[Int(area.attributes.file) - 1], let pages = object.filePages,
                    let node = object.node, !files.contains(where: { $0.0 === pages })
                else { continue }
                files.append((pages, node))
            }
            return files
        }
    }

    /// Writes back every shared file mapped here (at power-off).
    func writeBackSharedFiles() {
        var files: [(SharedFilePages, VNode)] = []
        lock.withLock {
            mappedFiles.forEach { _, object in
                if let pages = object.filePages, let node = object.node { files.append((pages, node)) }
            }
        }
        for (pages, node) in files { try? pages.writeBack(to: node) }
    }

    /// Lets go of mapped objects whose page-table entries are gone: a shared file's pages are
    /// written back when the last address space leaves them. Not under any lock (that may sleep).
    static func detach(_ objects: [MappedFile]) {
        for object in objects {
            if let pages = object.filePages, let node = object.node { pages.detach(from: node) }
        }
    }

    /// A copy for `fork`: the same areas and mapped objects; private pages are copied now
    /// (eagerly), pages of shared objects and of the image are mapped to the same frames.
    /// Nil when memory runs out (the partial copy is destroyed).
    func fork() -> AddressSpace? {
        guard let child = AddressSpace() else { return nil }
        let ok: Bool = lock.withLock {
            child.map = map
            for area in map.areas where area.attributes.flags.contains(.unmapping) {
                _ = try? child.map.unmap(start: area.start, size: area.size)
            }
            child.mappedFiles = mappedFiles
            child.mappedFiles.forEach { _, object in object.filePages?.attach() }
            child.segmentNames = segmentNames
            child.heapStart = heapStart
            child.heapEnd = heapEnd
            child.layout = layout
            for area in map.areas {
                var va = area.start
                while va < area.end {
                    if let m = translate(va) {
                        let frame = m.physical & ~4095
                        if m.flags.contains(.borrowed) {
                            if child.mapPage(va, to: frame, flags: m.flags) != nil { return false }
                        } else {
                            guard let copy = PhysicalMemory.allocate() else { return false }
                            DirectMap.pointer(copy).copyMemory(from: DirectMap.pointer(frame), byteCount: 4096)
                            if child.mapPage(va, to: copy, flags: m.flags) != nil {
                                PhysicalMemory.free(copy)
                                return false
                            }
                            child.residentPages += 1
                        }
                    }
                    va += 4096
                }
            }
            return true
        }
        if !ok {
            child.destroy()
            return nil
        }
        return child
    }

    /// Unmaps everything and frees the page tables (the last process using it is gone). No
    /// CPU may still have this root loaded afterwards; `KernelPageTables.retire` sees to that.
    ///
    /// Nothing here allocates, and frames are freed at once rather than after a TLB shootdown:
    /// a process that used up all memory must still be torn down (collecting its frames in an
    /// array needed heap memory and panicked — found by the out-of-memory guest test), and no
    /// thread runs in this space any more (or ever did, after a failed fork), so no CPU reaches
    /// the frames through it before `retire` switches away from it.
    func destroy() {
        isDestroyed = true
        let objects: SlotMap<MappedFile> = lock.withLock {
            for area in map.areas {
                try? tables.unmapRange(area.start, area.end) { _, m in
                    if !m.flags.contains(.borrowed) {
                        PhysicalMemory.free(m.physical & ~4095)
                        residentPages -= 1
                    }
                }
            }
            map = AddressSpaceMap(minAddress: Self.minimum, maxAddress: UserMemory.limit)!
            let old = mappedFiles
            mappedFiles = SlotMap()
            return old
        }
        var list: [MappedFile] = []
        objects.forEach { _, object in list.append(object) }
        Self.detach(list)  // shared files' pages go back to their files outside the lock
        withExtendedLifetime(objects) {}  // mapped objects go outside the lock
        KernelPageTables.retire(root: root)
        KernelPageTables.freeAddressSpaceRoot(root)
    }

    static func errno(_ e: AddressSpaceError) -> Errno {
        switch e {
        case .misaligned, .invalidSize, .overlapping: .EINVAL
        case .outOfRange, .noSpace, .notMapped: .ENOMEM
        }
    }
}
#endif
