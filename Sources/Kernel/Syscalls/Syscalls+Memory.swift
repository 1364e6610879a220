#if SKIFF_KERNEL
import LinuxABI
import Memory

extension Syscalls {
    /// brk(addr): moves the end of the heap; returns the (possibly unchanged) end.
    static func brk(_ a: SyscallArguments) -> SyscallResult {
        let space = Scheduler.currentProcess.addressSpace
        let requested = a.a0
        let current = space.heapEnd
        guard requested != 0, requested >= space.heapStart, requested < AddressSpace.mmapTop else {
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
        let prot = a.int(2)
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
        guard prot & ~(MemoryConstants.PROT_READ | MemoryConstants.PROT_WRITE | MemoryConstants.PROT_EXEC) == 0 else {
            return .failure(.EINVAL)
        }
        let fixed = flags & (MemoryConstants.MAP_FIXED | MemoryConstants.MAP_FIXED_NOREPLACE) != 0
        if fixed {
            guard address & 4095 == 0 else { return .failure(.EINVAL) }
            guard address >= AddressSpace.minimum, address + size <= UserMemory.limit else { return .failure(.ENOMEM) }
        }
        guard flags & MemoryConstants.MAP_ANONYMOUS != 0 else {
            _ = fd
            return .failure(.ENODEV)  // file mappings arrive with the VFS
        }
        let space = Scheduler.currentProcess.addressSpace
        if flags & MemoryConstants.MAP_FIXED_NOREPLACE != 0 {
            let free = space.lock.withLock { space.map.isFree(start: address, size: size) }
            if !free { return .failure(.EEXIST) }
        }
        var areaFlags: MemoryAreaFlags = []
        if flags & MemoryConstants.MAP_GROWSDOWN != 0 { areaFlags.insert(.growsDown) }
        let result = space.mapAnonymous(
            at: address == 0 ? nil : address & ~4095, size: size, protection: MemoryProtection(rawValue: UInt8(prot)),
            kind: kind == MemoryConstants.MAP_PRIVATE ? .anonymous : .sharedAnonymous, flags: areaFlags, fixed: fixed)
        switch result {
        case .success(let start): return .success(Int(start))
        case .failure(let e): return .failure(e)
        }
    }

    /// munmap(addr, length)
    static func munmap(_ a: SyscallArguments) -> SyscallResult {
        guard a.a0 & 4095 == 0, a.a1 > 0, a.a1 <= UserMemory.limit else { return .failure(.EINVAL) }
        let size = (a.a1 + 4095) & ~4095
        guard a.a0 + size <= UserMemory.limit else { return .failure(.EINVAL) }
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
        let size = (a.a1 + 4095) & ~4095
        guard a.a0 + size <= UserMemory.limit else { return .failure(.ENOMEM) }
        let protection = MemoryProtection(rawValue: UInt8(prot & 7))
        if let e = Scheduler.currentProcess.addressSpace.protect(a.a0, size: size, protection: protection) {
            return .failure(e)
        }
        return .success(0)
    }
}
#endif
