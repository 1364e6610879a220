#if SKIFF_KERNEL
import Trace
import Boot
import CKernel
import Memory

/// The page-frame allocator: the buddy allocator over all usable RAM, with a per-CPU cache of
/// single frames in front of it.
///
/// RAM comes from the PVH memory map. Excluded are the first megabyte (firmware, the PVH start
/// info, ACPI tables on microvm), the kernel image with its symbol table, and the PVH modules
/// (the application image is used in place). The frame table itself is carved out of the first
/// free RAM large enough for it.
enum PhysicalMemory {
    final class State {
        var buddy: BuddyAllocator
        var caches: UnsafeMutableBufferPointer<PerCPUPageCache>
        init(buddy: consuming BuddyAllocator, caches: UnsafeMutableBufferPointer<PerCPUPageCache>) {
            self.buddy = buddy
            self.caches = caches
        }
    }

    nonisolated(unsafe) static var state: State? = nil
    static let lock = SpinLock()
    /// Bytes of RAM the firmware reported, and what the allocator manages.
    nonisolated(unsafe) static var installedBytes: UInt64 = 0
    nonisolated(unsafe) static var managedBytes: UInt64 = 0
    nonisolated(unsafe) static var frameTableBytes: UInt64 = 0
    /// RAM ranges (physical, page-aligned) for the direct map.
    nonisolated(unsafe) static var ramRanges: [(start: UInt64, end: UInt64)] = []

    static let pageSize: UInt64 = 4096
    static let lowestFrameAddress: UInt64 = 0x1_0000

    /// Builds the allocator. `reserved` ranges are never handed out.
    static func initialize(memoryMap: [MemoryMapEntry], reserved: [(UInt64, UInt64)], cpuCount: Int) {
        var ram: [(start: UInt64, end: UInt64)] = []
        for e in memoryMap where e.type == .ram {
            installedBytes &+= e.length
            // RAM below 1 MiB counts too (about 570 KiB of a small VM): the PVH start info,
            // command line and memory map there were consumed before this runs. The first
            // 64 KiB stay out: the real-mode data area and the AP start-up page (0x8000).
            let start = max((e.base + pageSize - 1) & ~(pageSize - 1), Self.lowestFrameAddress)
            let end = e.end & ~(pageSize - 1)
            if end > start { ram.append((start, end)) }
        }
        ram.sort { $0.start < $1.start }
        ramRanges = ram
        guard let first = ram.first, let last = ram.last else { Panic.halt("no usable RAM in the memory map") }

        // Free ranges: RAM minus reserved ranges.
        var free = ram
        for (rs, re) in reserved {
            let s = rs & ~(pageSize - 1)
            let e = (re + pageSize - 1) & ~(pageSize - 1)
            var next: [(start: UInt64, end: UInt64)] = []
            for r in free {
                if e <= r.start || s >= r.end {
                    next.append(r)
                    continue
                }
                if s > r.start { next.append((r.start, s)) }
                if e < r.end { next.append((e, r.end)) }
            }
            free = next
        }

        let firstFrame = first.start / pageSize
        let frameCount = Int(last.end / pageSize - firstFrame)
        let tableBytes = UInt64(PageFrameTable.bytesNeeded(frameCount: frameCount))
        let tablePages = (tableBytes + pageSize - 1) / pageSize * pageSize
        guard let slot = free.firstIndex(where: { $0.end - $0.start >= tablePages }) else {
            Panic.halt("not enough RAM for the page frame table")
        }
        let tableStart = free[slot].start
        free[slot].start += tablePages
        frameTableBytes = tablePages
        let storage = UnsafeMutableRawBufferPointer(start: DirectMap.pointer(tableStart), count: Int(tableBytes))
        guard let table = PageFrameTable(storage: storage, firstFrame: firstFrame, frameCount: frameCount) else {
            Panic.halt("cannot build the page frame table")
        }
        var buddy = BuddyAllocator(table: table)
        for r in free where r.end > r.start {
            do throws(FrameError) {
                try buddy.addFreeRange(firstFrame: r.start / pageSize, count: Int((r.end - r.start) / pageSize))
            } catch {
                Panic.halt("bad free memory range")
            }
            managedBytes &+= r.end - r.start
        }
        // The per-CPU caches live in early-heap memory sized for the CPUs the MADT lists.
        let caches = UnsafeMutableBufferPointer<PerCPUPageCache>.allocate(capacity: max(cpuCount, 1))
        for i in 0..<caches.count { caches[i] = PerCPUPageCache(cpuCount: max(cpuCount, 1)) }
        state = State(buddy: buddy, caches: caches)
    }

    static var cpuIndex: Int { Int(skiff_percpu_cpu_index()) }

    /// A block of 2^order frames; its physical address, or nil when memory is exhausted.
    static func allocate(order: Int = 0) -> UInt64? {
        let block = allocateBlock(order: order)
        Tracing.fire(.memoryPageAlloc, block ?? 0, 1 << UInt64(order))
        return block
    }

    private static func allocateBlock(order: Int) -> UInt64? {
        guard let s = state else { return nil }
        if order == 0 {
            // The CPU index is read with interrupts off: read before, a preempted thread resumed
            // on another CPU would use the old CPU's cache while that CPU uses it too.
            if let frame = withInterruptsDisabled({ s.caches[cpuIndex].allocate(in: s.buddy.table) }) {
                return frame * pageSize
            }
        }
        let frame: UInt64? = lock.withLock {
            PerCPUPageCache.allocate(order: order, cpu: cpuIndex, caches: s.caches, buddy: &s.buddy)
        }
        return frame.map { $0 * pageSize }
    }

    /// A zero-filled block.
    static func allocateZeroed(order: Int = 0) -> UInt64? {
        guard let p = allocate(order: order) else { return nil }
        DirectMap.pointer(p).initializeMemory(as: UInt8.self, repeating: 0, count: Int(pageSize) << order)
        return p
    }

    static func free(_ physical: UInt64, order: Int = 0) {
        guard let s = state else { return }
        Tracing.fire(.memoryPageFree, physical, 1 << UInt64(order))
        let frame = physical / pageSize
        if order == 0 {
            let cached: Bool = withInterruptsDisabled {
                (try? s.caches[cpuIndex].free(frame: frame, in: s.buddy.table)) ?? false
            }
            if cached { return }
            lock.withLock {
                do throws(FrameError) { try s.caches[cpuIndex].free(frame: frame, to: &s.buddy) } catch {
                    Panic.halt("freeing a page frame that is not allocated")
                }
            }
            return
        }
        lock.withLock {
            do throws(FrameError) { try s.buddy.free(frame: frame, order: order) } catch {
                Panic.halt("freeing a page block that is not allocated")
            }
        }
    }

    /// `count` contiguous frames (any count up to 1024), for the heap's large runs.
    static func allocate(pages count: Int) -> UInt64? {
        guard let s = state else { return nil }
        var frame: UInt64? = lock.withLock { s.buddy.allocate(pages: count) }
        if frame == nil {
            // Frames may be parked in per-CPU caches: give them back and try once more.
            lock.withLock {
                for i in 0..<s.caches.count { s.caches[i].drain(into: &s.buddy) }
            }
            frame = lock.withLock { s.buddy.allocate(pages: count) }
        }
        Tracing.fire(.memoryPageAlloc, frame.map { $0 * pageSize } ?? 0, UInt64(count))
        return frame.map { $0 * pageSize }
    }

    static func free(_ physical: UInt64, pages count: Int) {
        guard let s = state else { return }
        Tracing.fire(.memoryPageFree, physical, UInt64(count))
        lock.withLock {
            do throws(FrameError) { try s.buddy.free(frame: physical / pageSize, pages: count) } catch {
                Panic.halt("freeing a page run that is not allocated")
            }
        }
    }

    /// Free bytes, counting frames parked in per-CPU caches as free.
    static var freeBytes: UInt64 {
        guard let s = state else { return 0 }
        return lock.withLock {
            var cached = 0
            for i in 0..<s.caches.count { cached += s.caches[i].count }
            return UInt64(s.buddy.freeFrames + cached) * pageSize
        }
    }

    static var totalBytes: UInt64 { managedBytes }
}
#endif
