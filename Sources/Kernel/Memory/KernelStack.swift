#if SKIFF_KERNEL
import Memory

/// A kernel stack with an unmapped guard page below it.
///
/// Stacks live in their own region of kernel address space rather than in the direct map, so
/// running off the bottom hits the guard page: the page fault cannot push its frame, the CPU
/// raises a double fault on its own IST stack, and the panic names the overflow instead of the
/// kernel silently corrupting whatever lies below.
struct KernelStack {
    static let regionBase: UInt64 = 0x7800_0000_0000
    static let size: UInt64 = 16 * 1024
    static let slotSize: UInt64 = size + 4096  // plus the guard page

    let slot: Int
    var bottom: UInt64 { Self.regionBase + UInt64(slot) * Self.slotSize + 4096 }
    var top: UInt64 { bottom + Self.size }

    nonisolated(unsafe) private static var freeSlots: [Int] = []
    nonisolated(unsafe) private static var nextSlot = 0
    private static let lock = SpinLock()

    /// Nil when memory is exhausted.
    static func allocate() -> KernelStack? {
        let slot: Int = lock.withLock {
            if let s = freeSlots.popLast() { return s }
            nextSlot += 1
            return nextSlot - 1
        }
        let stack = KernelStack(slot: slot)
        var mapped: UInt64 = 0
        while mapped < size {
            guard let frame = PhysicalMemory.allocate(),
                KernelPageTables.map(stack.bottom + mapped, to: frame, flags: [.writable, .global]) == nil
            else {
                stack.release(mappedBytes: mapped)
                return nil
            }
            mapped += 4096
        }
        return stack
    }

    func release() { release(mappedBytes: Self.size) }

    /// Unmaps the stack; its frames are freed only after every CPU has forgotten them (a
    /// thread may have run on several).
    private func release(mappedBytes: UInt64) {
        var pages: [UInt64] = []
        var frames: [UInt64] = []
        var offset: UInt64 = 0
        while offset < mappedBytes {
            if let m = KernelPageTables.unmap(bottom + offset) {
                pages.append(bottom + offset)
                frames.append(m.physical)
            }
            offset += 4096
        }
        // The address range is reused only once no CPU can still translate it to the old
        // frames: the slot is returned by Reclaim after the shootdown.
        Reclaim.after(shootdown: pages, free: frames, stackSlot: slot)
    }

    static func recycle(slot: Int) {
        lock.withLock { freeSlots.append(slot) }
    }

    /// True when `address` is a guard page of the stack region.
    static func isGuardPage(_ address: UInt64) -> Bool {
        guard address >= regionBase, address < regionBase + (1 << 39) else { return false }
        return (address - regionBase) % slotSize < 4096
    }
}
#endif
