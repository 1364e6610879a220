#if SKIFF_KERNEL
import LinuxABI
import Memory
import VFS

extension Syscalls {
    /// The page-rounded size of `length` bytes at `address`, or nil when the range does not lie
    /// inside user space (never over the kernel image below `UserMemory.floor`). Arguments are
    /// anything the caller passed: every sum is checked, so a length near 2^64 is an error, not
    /// an overflow trap (a kernel panic).
    static func userRange(_ address: UInt64, _ length: UInt64) -> UInt64? {
        guard address >= UserMemory.floor, address <= UserMemory.limit, length <= UserMemory.limit - address else { return nil }
        let size = (length + 4095) & ~4095
        guard size <= UserMemory.limit - address else { return nil }
        return size
    }

    /// brk(addr): moves the end of the heap; returns the (possibly unchanged) end.
    static func brk(_ a: SyscallArguments) -> SyscallResult {
        let space = Scheduler.currentProcess.addressSpace
        let requested = a.a0
        let current = space.heapEnd
        guard requested != 0, requested >= space.heapStart, requested < space.layout.mmapTop else {
            return .success(Int(current))
        }
        let oldTop = (current + 4095) & ~4095
        let newTop = (requested + 4095) & ~4095
        if newTop > oldTop {
            let free = space.lock.withLock { space.map.isFree(start: oldTop, size: newTop - oldTop) }
            guard free else { return .success(Int(current)) }
            if case .failure = space.mapAnonymous(
                at: oldTop, size: newTop - oldTop, protection: [.read, .write], kind: .heap, fixed: true)
            {
                return .success(Int(current))
            }
        } else if newTop < oldTop {
            _ = space.unmap(newTop, size: oldTop - newTop)
        }
        space.heapEnd = requested
        return .success(Int(requested))
    }

    /// mmap(addr, length, prot, flags, fd, offset)
    static func mmap(_ a: SyscallArguments) -> SyscallResult {
        let address = a.a0
        let length = a.a1
        // Linux ignores protection bits it does not know in mmap (mprotect refuses them).
        let prot = a.int(2) & (MemoryConstants.PROT_READ | MemoryConstants.PROT_WRITE | MemoryConstants.PROT_EXEC)
        let flags = a.int(3)
        let fd = a.int(4)
        let offset = a.a5
        guard length > 0, length <= UserMemory.limit else { return .failure(.EINVAL) }
        let size = (length + 4095) & ~4095
        guard offset & 4095 == 0 else { return .failure(.EINVAL) }
        let kind = flags & MemoryConstants.MAP_TYPE
        guard kind == MemoryConstants.MAP_PRIVATE || kind == MemoryConstants.MAP_SHARED
            || kind == MemoryConstants.MAP_SHARED_VALIDATE
        else { return .failure(.EINVAL) }
        let fixed = flags & (MemoryConstants.MAP_FIXED | MemoryConstants.MAP_FIXED_NOREPLACE) != 0
        if fixed {
            guard address & 4095 == 0 else { return .failure(.EINVAL) }
            guard address >= AddressSpace.minimum, userRange(address, size) != nil else { return .failure(.ENOMEM) }
        }
        let space = Scheduler.currentProcess.addressSpace
        if flags & MemoryConstants.MAP_ANONYMOUS == 0 {
            guard case .success(let file) = openFile(fd) else { return .failure(.EBADF) }
            guard file.flags.canRead else { return .failure(.EACCES) }
            let node = file.handler
            guard node.type == .regular else { return .failure(.ENODEV) }
            let shared = kind != MemoryConstants.MAP_PRIVATE
            if shared && prot & MemoryConstants.PROT_WRITE != 0 {
                guard file.flags.canWrite else { return .failure(.EACCES) }
                // The in-RAM image is mapped in place; it is read-only.
                guard node.mappedContents() == nil else { return .failure(.EACCES) }
            }
            if flags & MemoryConstants.MAP_FIXED_NOREPLACE != 0 {
                let free = space.lock.withLock { space.map.isFree(start: address, size: size) }
                if !free { return .failure(.EEXIST) }
            }
            let name = (try? FileSystems.vfs.pathName(of: file, in: process.fileContext)) ?? []
            return populated(
                space.mapFile(
                    at: address == 0 ? nil : address & ~4095, size: size, protection: MemoryProtection(rawValue: UInt8(prot)),
                    node: node, name: name, offset: offset, shared: shared, fixed: fixed))
        }
        if flags & MemoryConstants.MAP_FIXED_NOREPLACE != 0 {
            let free = space.lock.withLock { space.map.isFree(start: address, size: size) }
            if !free { return .failure(.EEXIST) }
        }
        var areaFlags: MemoryAreaFlags = []
        if flags & MemoryConstants.MAP_GROWSDOWN != 0 { areaFlags.insert(.growsDown) }
        return populated(
            space.mapAnonymous(
                at: address == 0 ? nil : address & ~4095, size: size, protection: MemoryProtection(rawValue: UInt8(prot)),
                kind: kind == MemoryConstants.MAP_PRIVATE ? .anonymous : .sharedAnonymous, flags: areaFlags, fixed: fixed))

        /// The new mapping's address, its pages faulted in first under MAP_POPULATE (writable
        /// private mappings for writing, so each page is the process's own).
        func populated(_ result: Result<UInt64, Errno>) -> SyscallResult {
            switch result {
            case .success(let start):
                if flags & MemoryConstants.MAP_POPULATE != 0 && prot != MemoryConstants.PROT_NONE {
                    let write = prot & MemoryConstants.PROT_WRITE != 0 && kind == MemoryConstants.MAP_PRIVATE
                    space.populate(start, size: size, write: write)
                }
                return .success(Int(start))
            case .failure(let e): return .failure(e)
            }
        }
    }

    /// munmap(addr, length)
    static func munmap(_ a: SyscallArguments) -> SyscallResult {
        guard a.a0 & 4095 == 0, a.a1 > 0, let size = userRange(a.a0, a.a1) else { return .failure(.EINVAL) }
        if let e = Scheduler.currentProcess.addressSpace.unmap(a.a0, size: size) { return .failure(e) }
        return .success(0)
    }

    /// mprotect(addr, length, prot)
    static func mprotect(_ a: SyscallArguments) -> SyscallResult {
        let prot = a.int(2)
        guard a.a0 & 4095 == 0 else { return .failure(.EINVAL) }
        guard prot & ~(MemoryConstants.PROT_READ | MemoryConstants.PROT_WRITE | MemoryConstants.PROT_EXEC
            | MemoryConstants.PROT_GROWSDOWN | MemoryConstants.PROT_GROWSUP) == 0
        else { return .failure(.EINVAL) }
        if a.a1 == 0 { return .success(0) }
        guard let size = userRange(a.a0, a.a1) else { return .failure(.ENOMEM) }
        let protection = MemoryProtection(rawValue: UInt8(prot & 7))
        if let e = Scheduler.currentProcess.addressSpace.protect(a.a0, size: size, protection: protection) {
            return .failure(e)
        }
        return .success(0)
    }
}
#endif

#if SKIFF_KERNEL
extension Syscalls {
    /// madvise(addr, length, advice): DONTNEED and FREE drop pages; the hints are accepted.
    static func madvise(_ a: SyscallArguments) -> SyscallResult {
        guard a.a0 & 4095 == 0 else { return .failure(.EINVAL) }
        guard let size = userRange(a.a0, a.a1) else { return .failure(.ENOMEM) }
        switch a.int(2) {
        case MemoryConstants.MADV_DONTNEED, MemoryConstants.MADV_FREE:
            let space = Scheduler.currentProcess.addressSpace
            let mapped = space.lock.withLock { space.map.isMapped(start: a.a0, size: size) }
            guard mapped else { return .failure(.ENOMEM) }
            space.discard(a.a0, size: size)
            return .success(0)
        case MemoryConstants.MADV_NORMAL, MemoryConstants.MADV_RANDOM, MemoryConstants.MADV_SEQUENTIAL,
            MemoryConstants.MADV_WILLNEED, MemoryConstants.MADV_HUGEPAGE, MemoryConstants.MADV_NOHUGEPAGE,
            9, 10, 11, 12, 13, 16, 17, 18, 19, 20, 21, 100, 101:
            return .success(0)
        default:
            return .failure(.EINVAL)
        }
    }

    /// msync(addr, length, flags): writes what shared file mappings in the range stored back to
    /// their files (for MS_ASYNC too, at once). Mappings and `read` see the same data already.
    static func msync(_ a: SyscallArguments) -> SyscallResult {
        let flags = a.int(2)
        guard a.a0 & 4095 == 0, flags & ~7 == 0 else { return .failure(.EINVAL) }
        guard flags & MemoryConstants.MS_ASYNC == 0 || flags & MemoryConstants.MS_SYNC == 0 else { return .failure(.EINVAL) }
        let space = Scheduler.currentProcess.addressSpace
        guard let size = userRange(a.a0, max(a.a1, 1)) else { return .failure(.ENOMEM) }
        guard let files = space.sharedFiles(a.a0, size: size) else { return .failure(.ENOMEM) }
        for (pages, node) in files {
            do throws(Errno) { try pages.writeBack(to: node) } catch { return .failure(.EIO) }
        }
        return .success(0)
    }

    /// mincore(addr, length, vec): one byte per page, 1 when resident.
    static func mincore(_ a: SyscallArguments) -> SyscallResult {
        guard a.a0 & 4095 == 0 else { return .failure(.EINVAL) }
        guard let size = userRange(a.a0, a.a1), size <= 1 << 32 else { return .failure(.ENOMEM) }
        let pages = Int(size / 4096)
        let space = Scheduler.currentProcess.addressSpace
        let mapped = space.lock.withLock { space.map.isMapped(start: a.a0, size: UInt64(pages) * 4096) }
        guard mapped else { return .failure(.ENOMEM) }
        var vector = [UInt8](repeating: 0, count: pages)
        space.lock.withLock {
            for i in 0..<pages where space.translate(a.a0 + UInt64(i) * 4096) != nil { vector[i] = 1 }
        }
        if let e = UserMemory.copyOut(vector, to: a.a2) { return .failure(e) }
        return .success(0)
    }

    /// mremap(old, oldSize, newSize, flags, newAddress)
    static func mremap(_ a: SyscallArguments) -> SyscallResult {
        let old = a.a0
        let flags = a.int(3)
        guard old & 4095 == 0, flags & ~7 == 0 else { return .failure(.EINVAL) }
        guard a.a2 > 0, let oldSize = userRange(old, a.a1), let newSize = userRange(UserMemory.floor, a.a2) else { return .failure(.EINVAL) }
        guard flags & MemoryConstants.MREMAP_FIXED == 0 || flags & MemoryConstants.MREMAP_MAYMOVE != 0 else {
            return .failure(.EINVAL)
        }
        let fixed = flags & MemoryConstants.MREMAP_FIXED != 0
        let space = Scheduler.currentProcess.addressSpace
        return space.remap(
            old, oldSize: oldSize, newSize: newSize, mayMove: flags & MemoryConstants.MREMAP_MAYMOVE != 0,
            destination: fixed ? a.a4 : nil)
    }
}
#endif
