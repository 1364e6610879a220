#if SKIFF_KERNEL
import CKernel
import Memory

/// Built-in tests selected with `--kernel-test=NAME`, for the guest test suite: they exercise the
/// paths that must fail loudly (exceptions, runtime traps) and the accelerator self-check.
enum KernelTests {
    @_optimize(size) static func run(_ name: String) -> Never {
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
        if named("stack-protector") {
            Kernel.announce()
            var count: UInt8 = 40
            skiff_smash_stack(&count)
        }
        if named("write-protect") {
            Kernel.announce()
            // Kernel text is mapped read-only (W^X): writing to it must fault.
            let text = UnsafeMutablePointer<UInt8>(bitPattern: UInt(skiff_kernel_start()) + 0x100)!
            text.pointee = 0xCC
        }
        if named("write-protect-alias") {
            Kernel.announce()
            // Nor through its alias in the direct map.
            DirectMap.pointer(UInt64(skiff_kernel_start()) + 0x100).storeBytes(of: 0xCC, as: UInt8.self)
        }
        if named("no-execute") {
            Kernel.announce()
            // Heap memory is data: running it must fault (NX), even holding a valid `ret`.
            let page = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 4096)
            page.storeBytes(of: 0xC3, as: UInt8.self)
            let function = unsafeBitCast(page, to: (@convention(c) () -> Void).self)
            function()
            log("no-execute: heap memory ran")
        }
        if named("smap") || named("smep") {
            Kernel.announce()
            userPageTest(execute: named("smep"))
        }
        if named("scheduler") {
            Kernel.announce()
            schedulerTest()
        }
        DeviceTests.runIfDeviceTest(name)
        if named("bootchart") {
            Kernel.announce()
            PowerControl.exit(status: 0)
        }
        log("unknown kernel test '" + name + "'")
        PowerControl.exit(status: Kernel.badCommandLineStatus)
    }

    /// Touches (SMAP) or runs (SMEP) a present user page from kernel mode: either must fault
    /// and panic, since the kernel reaches user memory only through its copy routines.
    @_optimize(size) static func userPageTest(execute: Bool) -> Never {
        log("user page test: SMEP \(CPUFeatures.hasSMEP ? "on" : "off"), SMAP \(CPUFeatures.hasSMAP ? "on" : "off")")
        guard let space = AddressSpace(), case .success(let page) = space.mapAnonymous(at: nil, size: 4096, protection: [.read, .write, .execute])
        else { Panic.halt("user page test: no memory") }
        space.populate(page, size: 4096, write: true)
        guard let frame = space.lock.withLock({ space.translate(page) })?.physical else { Panic.halt("user page test: page not mapped") }
        DirectMap.pointer(frame & ~4095).storeBytes(of: 0xC3, as: UInt8.self)  // ret
        x86_write_cr3(space.root)
        if execute {
            x86_call(page)
            log("user page test: the kernel ran a user page")
        } else {
            let value = UnsafePointer<UInt8>(bitPattern: UInt(page))!.pointee
            log("user page test: the kernel read \(value) from a user page")
        }
        PowerControl.exit(status: 1)
    }

    /// Unbounded recursion whose frame stays live across the call (the barrier makes the
    /// optimizer assume the callee reads it), so it cannot become a loop.
    @inline(never)
    @_optimize(size) static func recurse(_ depth: Int) -> Int {
        var frame = (depth, depth &+ 1, depth &+ 2, depth &+ 3, depth &+ 4, depth &+ 5, depth &+ 6, depth &+ 7)
        return withUnsafeMutableBytes(of: &frame) { raw in
            raw[0] = UInt8(truncatingIfNeeded: depth)
            x86_compiler_barrier()
            let below = recurse(depth &+ 1)
            x86_compiler_barrier()
            return below &+ Int(raw[1]) &+ Int(raw[0])
        }
    }

    /// Sleeping, many threads yielding and blocking on shared primitives, and preemption of
    /// CPU-bound threads.
    @_optimize(size) static func schedulerTest() -> Never {
        var ok = true
        // Sleep accuracy.
        let start = Clock.monotonic
        Scheduler.sleep(until: start + 20_000_000)
        let slept = Clock.monotonic - start
        let sleepOK = slept >= 20_000_000 && slept < 500_000_000
        log("scheduler: APIC timer in \(LocalAPIC.useTSCDeadline ? "TSC-deadline" : "one-shot") mode")
        log("scheduler: slept \(slept / 1000) us for 20000 us: \(sleepOK ? "ok" : "FAILED")")
        ok = ok && sleepOK

        // Sixteen threads contending on a mutex, sleeping and yielding.
        let done = Semaphore()
        let mutex = Mutex()
        nonisolated(unsafe) var counter = 0
        let threads = 16
        let rounds = 200
        for t in 0..<threads {
            Scheduler.spawnKernelThread("worker") {
                for i in 0..<rounds {
                    mutex.withLock {
                        let v = counter
                        if i % 7 == 0 { Scheduler.yield() }  // inside the lock: others must wait
                        counter = v + 1
                    }
                    if (i + t) % 50 == 0 { Scheduler.sleep(until: Clock.monotonic + 1_000_000) }
                }
                done.signal()
            }
        }
        for _ in 0..<threads { done.wait() }
        let mutexOK = counter == threads * rounds
        log("scheduler: \(threads) threads x \(rounds) locked increments = \(counter): \(mutexOK ? "ok" : "FAILED")")
        ok = ok && mutexOK

        // A bounded queue (capacity 4) between 4 producers and 2 consumers on condition
        // variables: every item arrives once, and a wait with nothing to come times out.
        let queueLock = Mutex()
        let notEmpty = ConditionVariable()
        let notFull = ConditionVariable()
        nonisolated(unsafe) var queue: [Int] = []
        nonisolated(unsafe) var consumed = (count: 0, sum: 0)
        let items = 100
        for p in 0..<4 {
            Scheduler.spawnKernelThread("producer") {
                for i in 1...items {
                    queueLock.withLock {
                        while queue.count == 4 { notFull.wait(queueLock) }
                        queue.append(p * 1000 + i)
                        notEmpty.signal()
                    }
                }
                done.signal()
            }
        }
        for _ in 0..<2 {
            Scheduler.spawnKernelThread("consumer") {
                queueLock.withLock {
                    while consumed.count < 4 * items {
                        if queue.isEmpty {
                            notEmpty.wait(queueLock)
                            continue
                        }
                        let item = queue.removeFirst()
                        consumed = (consumed.count + 1, consumed.sum + item)
                        notFull.signal()
                    }
                    notEmpty.broadcast()  // the other consumer may be waiting for an item that will not come
                }
                done.signal()
            }
        }
        for _ in 0..<6 { done.wait() }
        let expectedSum = (0..<4).reduce(0) { $0 + $1 * 1000 * items } + 4 * items * (items + 1) / 2
        let timedOut = queueLock.withLock { !notEmpty.wait(queueLock, deadline: Clock.monotonic + 5_000_000) }
        let conditionOK = consumed.count == 4 * items && consumed.sum == expectedSum && queue.isEmpty && timedOut
        log("scheduler: condition variables passed \(consumed.count) items through a queue of 4: \(conditionOK ? "ok" : "FAILED")")
        ok = ok && conditionOK

        // Two CPU-bound threads must both progress within the same 200 ms (preemption).
        let stop = Clock.monotonic + 200_000_000
        nonisolated(unsafe) var spins = (0, 0)
        nonisolated(unsafe) var firstRunOfB: UInt64 = 0
        nonisolated(unsafe) var lastRunOfA: UInt64 = 0
        let finished = Semaphore()
        Scheduler.spawnKernelThread("spinner-a") {
            while Clock.monotonic < stop {
                spins.0 += 1
                lastRunOfA = Clock.monotonic
            }
            finished.signal()
        }
        Scheduler.spawnKernelThread("spinner-b") {
            while Clock.monotonic < stop {
                if firstRunOfB == 0 { firstRunOfB = Clock.monotonic }
                spins.1 += 1
            }
            finished.signal()
        }
        finished.wait()
        finished.wait()
        // On one CPU, B can only run before A finishes if the timer preempted A. With more CPUs
        // they run side by side; both making progress is what counts.
        let preemptOK = spins.0 > 0 && spins.1 > 0 && (Scheduler.cpus.count > 1 || firstRunOfB < lastRunOfA)
        log("scheduler: CPU-bound threads interleaved: \(preemptOK ? "ok" : "FAILED")")
        ok = ok && preemptOK
        let switches = Scheduler.cpus.reduce(0) { $0 + $1.contextSwitches }
        log("scheduler: \(switches) context switches, \(Scheduler.threadCount) threads left")
        PowerControl.exit(status: ok ? 0 : 1)
    }

    /// Allocates and frees through every layer, checks the contents, and reports the counters.
    @_optimize(size) static func memoryTest() -> Never {
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
        // The CPU's object cache: a freed block comes back from it at once, it holds bytes the
        // heap counts as in use, and reclaiming gives them all back.
        let probe = KernelHeap.allocate(size: 200, alignment: 16)
        if let probe { KernelHeap.free(probe) }
        let again = KernelHeap.allocate(size: 200, alignment: 16)
        let reused = probe != nil && again == probe
        if let again { KernelHeap.free(again) }
        let cachedBefore = KernelHeap.bytesCached
        KernelHeap.reclaim()
        let cachedAfter = KernelHeap.bytesCached
        let cachesOK = reused && cachedBefore > 0 && cachedAfter == 0
        log("memory: object caches held \(cachedBefore) bytes, \(cachedAfter) after reclaim; a freed block is reused at once: \(reused ? "ok" : "FAILED")")
        heapOK = heapOK && cachesOK
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
