#if SKIFF_KERNEL
import CKernel

/// Built-in tests selected with `--kernel-test=NAME`, for the guest test suite: they exercise the
/// paths that must fail loudly (exceptions, runtime traps) and the accelerator self-check.
enum KernelTests {
    static func run(_ name: String) -> Never {
        let bytes = Array(name.utf8)
        func named(_ s: StaticString) -> Bool {
            bytes.count == s.utf8CodeUnitCount && bytes.elementsEqual(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
        }
        if bytes.starts(with: Array("exit=".utf8)) {
            var status: Int32 = 0
            for b in bytes.dropFirst(5) {
                guard b >= 48 && b <= 57 else { break }
                status = status &* 10 &+ Int32(b - 48)
            }
            Kernel.announce()
            PowerControl.exit(status: status)
        }
        if named("accel-check") {
            let result = skiff_fpu_selfcheck()
            Console.writeLine(result == 7020 ? "accel-check: ok" : "accel-check: wrong FPU result")
            PowerControl.exit(status: result == 7020 ? 0 : 1)
        }
        if named("page-fault") {
            Kernel.announce()
            let unmapped = UnsafeMutablePointer<UInt64>(bitPattern: 0x0000_0100_0000_0000)!
            unmapped.pointee = 42
        }
        if named("invalid-opcode") {
            Kernel.announce()
            x86_ud2()
        }
        if named("swift-trap") {
            Kernel.announce()
            var values = [1, 2, 3]
            values.append(Int(truncatingIfNeeded: x86_rdtsc() & 1))
            let index = values.count + Int(x86_rdtsc() & 1)
            values[index] = 0  // out of bounds
        }
        if named("breakpoint") {
            Kernel.announce()
            x86_int3()
            Console.writeLine("breakpoint: resumed")
            PowerControl.exit(status: 0)
        }
        if named("stack-overflow") {
            Kernel.announce()
            Console.writeDecimal(UInt64(recurse(1)))
        }
        if named("memory") {
            Kernel.announce()
            memoryTest()
        }
        if named("write-protect") {
            Kernel.announce()
            // Kernel text is mapped read-only (W^X): writing to it must fault.
            let text = UnsafeMutablePointer<UInt8>(bitPattern: UInt(skiff_kernel_start()) + 0x100)!
            text.pointee = 0xCC
        }
        if named("bootchart") {
            Kernel.announce()
            PowerControl.exit(status: 0)
        }
        log("unknown kernel test '" + name + "'")
        PowerControl.exit(status: Kernel.badCommandLineStatus)
    }

    /// Unbounded recursion whose frame stays live across the call (the barrier makes the
    /// optimizer assume the callee reads it), so it cannot become a loop.
    @inline(never)
    static func recurse(_ depth: Int) -> Int {
        var frame = (depth, depth &+ 1, depth &+ 2, depth &+ 3, depth &+ 4, depth &+ 5, depth &+ 6, depth &+ 7)
        return withUnsafeMutableBytes(of: &frame) { raw in
            raw[0] = UInt8(truncatingIfNeeded: depth)
            x86_compiler_barrier()
            let below = recurse(depth &+ 1)
            x86_compiler_barrier()
            return below &+ Int(raw[1]) &+ Int(raw[0])
        }
    }

    /// Allocates and frees through every layer, checks the contents, and reports the counters.
    static func memoryTest() -> Never {
        let freeBefore = PhysicalMemory.freeBytes
        // Page frames: allocate until 1 MiB is taken, write a pattern, check, free.
        var frames: [UInt64] = []
        for i in 0..<256 {
            guard let f = PhysicalMemory.allocate() else { break }
            DirectMap.pointer(f).storeBytes(of: UInt64(i) &* 0x9E37_79B9, as: UInt64.self)
            frames.append(f)
        }
        var framesOK = frames.count == 256
        for (i, f) in frames.enumerated() where DirectMap.pointer(f).load(as: UInt64.self) != UInt64(i) &* 0x9E37_79B9 {
            framesOK = false
        }
        for f in frames { PhysicalMemory.free(f) }
        // 2 MiB blocks.
        let huge = PhysicalMemory.allocate(order: 9)
        if let h = huge { PhysicalMemory.free(h, order: 9) }
        // The heap: many sizes, with contents checked.
        var blocks: [[UInt8]] = []
        for i in 0..<2000 {
            blocks.append([UInt8](repeating: UInt8(truncatingIfNeeded: i), count: (i * 37) % 3000 + 1))
        }
        var heapOK = true
        for (i, b) in blocks.enumerated() where b.count != (i * 37) % 3000 + 1 || b.last != UInt8(truncatingIfNeeded: i) {
            heapOK = false
        }
        blocks.removeAll()
        // Kernel stacks with guard pages.
        var stacksOK = true
        for _ in 0..<8 {
            guard let s = KernelStack.allocate() else {
                stacksOK = false
                break
            }
            if KernelPageTables.translate(s.bottom - 4096) != nil || KernelPageTables.translate(s.top - 8) == nil {
                stacksOK = false
            }
            s.release()
        }
        let freeAfter = PhysicalMemory.freeBytes
        log("memory: \(PhysicalMemory.totalBytes / 1024) KiB managed, \(freeBefore / 1024) KiB free before, \(freeAfter / 1024) KiB after")
        log("memory: frames \(framesOK ? "ok" : "FAILED"), 2 MiB block \(huge != nil ? "ok" : "FAILED"), heap \(heapOK ? "ok" : "FAILED"), stacks \(stacksOK ? "ok" : "FAILED")")
        PowerControl.exit(status: framesOK && huge != nil && heapOK && stacksOK ? 0 : 1)
        PowerControl.exit(status: Kernel.badCommandLineStatus)
    }
}
#endif
