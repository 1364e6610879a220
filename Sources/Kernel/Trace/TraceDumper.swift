#if SKIFF_KERNEL
import Scheduling
import Boot
import Trace

/// Writes the trace dump (`Trace.TraceDumpWriter`'s format): on the console at power-off,
/// framed by `Trace.TraceConsoleFrame` for `skiff run` and `skiff trace` to pick up, and as bytes
/// for the monitoring API's `/trace/buffers`.
enum TraceDumper {
    /// The dump into `sink`, which is returned.
    static func write<S: TraceByteSink>(to sink: S, enabled: [Tracepoint] = enabledTracepoints) -> S {
        var w = TraceDumpWriter(sink: sink)
        w.header(
            cpuCount: Tracing.rings.count, tscHz: TSC.hz, bootTSC: Kernel.bootchart.entryTSC, backtraces: Tracing.backtraces,
            samplerHz: Sampler.hz)
        // The enabled tracepoints (the host knows the catalogue; this records what was on).
        w.tracepoints(enabled) { _ in true }
        w.bootPhases(Kernel.bootchart.phases.map { (Array(String($0.name).utf8), $0.tsc) })
        w.threads(threads())
        w.symbols(symbols())
        for (cpu, ring) in Tracing.rings.enumerated() { w.ring(cpu: cpu, ring) }
        w.end()
        return w.sink
    }

    /// At power-off: the framed dump on the console, when tracing or the sampler was used.
    static func dumpAtExit() {
        guard Tracing.used, !Tracing.rings.isEmpty else { return }
        let enabled = enabledTracepoints
        // Nothing more may be recorded while the rings are read out.
        for t in enabled { Tracing.set(t, false) }
        Sampler.stop()
        LiveTrace.flush()
        Console.withLock {
            var frame = TraceConsoleFrame(output: ConsoleBytes())
            frame.begin()
            frame = write(to: frame, enabled: enabled)
            frame.finish()
        }
    }

    static var enabledTracepoints: [Tracepoint] {
        Tracepoint.all.filter { Tracing.isEnabled($0) || ($0 == .samplerTick && Sampler.hz > 0) }
    }

    /// Live threads, and those noted when they were created.
    static func threads() -> [(id: Int32, name: [UInt8])] {
        var list: [(id: Int32, name: [UInt8])] = Tracing.threadNamesLock.withLock { Tracing.threadNames }
        var live: [Thread] = []
        Scheduler.tableLock.withLock { Scheduler.threads.forEach { _, t in live.append(t) } }
        for t in live { list.append((Tracing.id(of: t), Tracing.name(of: t))) }
        return list
    }

    /// Names for the kernel addresses in sampler events and backtraces.
    static func symbols() -> [(address: UInt64, name: [UInt8])] {
        var addresses: [UInt64] = []
        for ring in Tracing.rings {
            for r in ring.records().records {
                if r.tracepoint == Tracepoint.samplerTick.id && r.arguments[1] == 0 { addresses.append(r.arguments[0]) }
                addresses.append(contentsOf: r.backtrace)
            }
        }
        addresses.sort()
        var result: [(address: UInt64, name: [UInt8])] = []
        var previous: UInt64? = nil
        for a in addresses where a != previous {
            previous = a
            guard let s = KernelSymbols.lookup(a) else { continue }
            let start = a &- s.offset
            if let last = result.last, last.address == start { continue }
            result.append((start, Array(s.name)))
        }
        return result
    }
}

/// Bytes straight to the serial console (inside `Console.withLock`).
struct ConsoleBytes: TraceByteSink {
    mutating func write(_ bytes: UnsafeRawBufferPointer) {
        for b in bytes { Console.put(b) }
    }
}
#endif
