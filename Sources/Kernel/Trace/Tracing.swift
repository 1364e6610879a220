#if SKIFF_KERNEL
import Boot
import CKernel
import Trace

/// The kernel's tracepoints: per-CPU rings (`Trace.TraceRing`), the enable tables in
/// `CKernel/include/tracepoints.h`, and the hooks the rest of the kernel calls.
///
/// A hook is `Tracing.fire(.pageFault, …)`: inlined, it is one byte load and a branch when the
/// tracepoint is off. When it is on, `record` (out of line) takes the TSC, the CPU and the
/// thread, and writes a slot into this CPU's ring without locks or masking interrupts.
enum Tracing {
    /// Rings by CPU index; empty until `configure` (tracepoints cannot be enabled before).
    nonisolated(unsafe) static var rings: [TraceRing] = []
    /// `--trace-backtrace`: a frame-pointer backtrace with each event.
    nonisolated(unsafe) static var backtraces = false
    /// Some tracepoint was enabled at some point: the dump at power-off has something to say.
    nonisolated(unsafe) static var used = false
    /// Names of threads created while tracing (exited ones are gone from the scheduler by
    /// the time of the dump), bounded.
    nonisolated(unsafe) static var threadNames: [(id: Int32, name: [UInt8])] = []
    static let threadNamesLock = SpinLock()
    static let slotsPerCPU = 8192

    // MARK: Boot

    /// Allocates the rings and applies `--trace`, `--trace-backtrace` and `--trace-list`.
    static func configure(options: BootOptions, cpuCount: Int) {
        let wanted = !options.tracePatterns.isEmpty || options.samplerHz != nil || options.monitorPort != nil
        if wanted {
            allocateRings(cpuCount: cpuCount)
        }
        backtraces = options.traceBacktrace
        let patterns = options.tracePatterns.map { TracePattern($0) }
        if !patterns.isEmpty {
            let count = setEnabled(patterns, true)
            if count == 0 {
                log("--trace: no tracepoint matches " + options.tracePatterns.joined(separator: ","))
            }
        }
        if options.traceList {
            Console.writeLine("tracepoints (enabled ones marked *):")
            for t in Tracepoint.all {
                Console.write(isEnabled(t) ? "  * " : "    ")
                Console.writeLine(String(decoding: t.name, as: UTF8.self))
            }
        }
    }

    private static func allocateRings(cpuCount: Int) {
        var list: [TraceRing] = []
        let words = slotsPerCPU * TraceSlot.words
        for _ in 0..<max(cpuCount, 1) {
            let storage = UnsafeMutablePointer<UInt64>.allocate(capacity: words)
            storage.initialize(repeating: 0, count: words)
            list.append(TraceRing(capacity: slotsPerCPU, storage: storage))
        }
        rings = list
    }

    // MARK: Enabling

    static func isEnabled(_ t: Tracepoint) -> Bool {
        if let n = t.syscallNumber {
            return skiff_trace_syscall_flags(UInt64(n)) & (t.isSyscallExit ? 2 : 1) != 0
        }
        return skiff_trace_on(UInt32(t.id)) != 0
    }

    /// Turns a tracepoint on or off (no-op without rings).
    static func set(_ t: Tracepoint, _ on: Bool) {
        guard !rings.isEmpty else { return }
        if on { used = true }
        if let n = t.syscallNumber {
            let bit: UInt8 = t.isSyscallExit ? 2 : 1
            let old = skiff_trace_syscall_flags(UInt64(n))
            skiff_trace_set_syscall(UInt32(n), on ? old | bit : old & ~bit)
        } else if Int(t.id) < Tracepoint.fixedLimit {
            skiff_trace_set_fixed(UInt32(t.id), on ? 1 : 0)
        }
    }

    /// Sets every tracepoint matching one of `patterns`; returns how many matched.
    @discardableResult
    static func setEnabled(_ patterns: [TracePattern], _ on: Bool) -> Int {
        var count = 0
        for t in Tracepoint.all where TracePattern.any(patterns, match: t.name) {
            set(t, on)
            count += 1
        }
        return count
    }

    static var enabledCount: Int { Tracepoint.all.reduce(0) { $0 + (isEnabled($1) ? 1 : 0) } }

    // MARK: Hooks

    /// A fixed tracepoint with up to three arguments.
    @inline(__always)
    static func fire(_ t: Tracepoint, _ a0: UInt64 = 0, _ a1: UInt64 = 0, _ a2: UInt64 = 0) {
        if skiff_trace_on(UInt32(t.id)) != 0 { record(t.id, a0, a1, a2, 0, 0, 0) }
    }

    /// System call entry, with the six argument registers.
    @inline(never)
    static func syscallEntry(_ a: SyscallArguments) {
        record(
            Tracepoint.syscallEntryBase &+ UInt16(truncatingIfNeeded: a.number), a.a0, a.a1, a.a2, a.a3, a.a4, a.a5)
    }

    /// System call exit with its result (negative: -errno).
    @inline(never)
    static func syscallExit(_ number: Int, _ result: Int) {
        record(Tracepoint.syscallExitBase &+ UInt16(truncatingIfNeeded: number), UInt64(bitPattern: Int64(result)), 0, 0, 0, 0, 0)
    }

    /// Writes one event into this CPU's ring.
    @inline(never)
    static func record(_ id: UInt16, _ a0: UInt64, _ a1: UInt64, _ a2: UInt64, _ a3: UInt64, _ a4: UInt64, _ a5: UInt64) {
        let cpu = Int(skiff_percpu_cpu_index())
        guard cpu < rings.count else { return }
        let ring = rings[cpu]
        let tsc = x86_rdtsc()
        let thread = currentThreadID()
        if backtraces {
            var frames = FrameBuffer()
            let n = frames.collect(rbp: x86_read_rbp())
            frames.withPointer { ring.record(tsc: tsc, tracepoint: id, cpu: UInt8(truncatingIfNeeded: cpu), thread: thread, arguments: (a0, a1, a2), frames: $0, frameCount: n) }
        } else {
            ring.record(tsc: tsc, tracepoint: id, cpu: UInt8(truncatingIfNeeded: cpu), thread: thread, a0, a1, a2, a3, a4, a5)
        }
    }

    /// An event with an explicit backtrace (the sampler).
    static func record(_ t: Tracepoint, _ a0: UInt64, _ a1: UInt64, frames: inout FrameBuffer, count: Int) {
        let cpu = Int(skiff_percpu_cpu_index())
        guard cpu < rings.count else { return }
        let ring = rings[cpu]
        let thread = currentThreadID()
        let tsc = x86_rdtsc()
        frames.withPointer { ring.record(tsc: tsc, tracepoint: t.id, cpu: UInt8(truncatingIfNeeded: cpu), thread: thread, arguments: (a0, a1, 0), frames: $0, frameCount: count) }
    }

    /// The thread ID as traces show it: the Linux TID, or minus (slot + 1) for kernel threads.
    @inline(__always)
    static func currentThreadID() -> Int32 {
        let raw = skiff_percpu_current_thread()
        guard raw != 0, let p = UnsafeRawPointer(bitPattern: UInt(raw)) else { return 0 }
        return Unmanaged<Thread>.fromOpaque(p)._withUnsafeGuaranteedRef { id(of: $0) }
    }

    static func id(of t: Thread) -> Int32 {
        t.id != 0 ? t.id : -Int32(truncatingIfNeeded: t.slot &+ 1)
    }

    /// A thread's name for traces and the monitoring API: its `comm`, else the program's file
    /// name for application threads, else the kernel thread's name.
    static func name(of t: Thread) -> [UInt8] {
        if !t.comm.isEmpty { return t.comm }
        if let p = t.process, !p.executablePath.isEmpty {
            if let slash = p.executablePath.lastIndex(of: UInt8(ascii: "/")) { return Array(p.executablePath[(slash + 1)...]) }
            return p.executablePath
        }
        return Array(String(t.name).utf8)
    }

    /// Remembers a new thread's name while tracing is on.
    static func noteThread(_ t: Thread) {
        guard used else { return }
        let entry = (id(of: t), Array(String(t.name).utf8))
        threadNamesLock.withLock {
            if threadNames.count < 4096 { threadNames.append(entry) }
        }
    }
}

/// Room for a backtrace on the stack (no allocation: the allocator itself is traced).
struct FrameBuffer {
    var frames: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

    /// Fills in return addresses up the %rbp chain; returns how many.
    mutating func collect(rbp: UInt64, first: UInt64? = nil) -> Int {
        withUnsafeMutableBytes(of: &frames) { raw in
            let p = raw.baseAddress!.assumingMemoryBound(to: UInt64.self)
            var n = 0
            if let first {
                p[0] = first
                n = 1
            }
            n += Backtrace.collect(rbp: rbp, into: p + n, capacity: TraceSlot.maximumFrames - n)
            return n
        }
    }

    mutating func withPointer<R>(_ body: (UnsafePointer<UInt64>) -> R) -> R {
        withUnsafeBytes(of: &frames) { body($0.baseAddress!.assumingMemoryBound(to: UInt64.self)) }
    }
}
#endif
