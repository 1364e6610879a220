#if SKIFF_KERNEL
import Boot
import Trace

/// `--strace`: a kernel thread that prints enabled tracepoints on the console as they fire
/// (within 10 ms), from the same rings the dump reads. Events of the printing thread itself
/// (its allocations) are not printed.
enum LiveTrace {
    nonisolated(unsafe) static var positions: [UInt64] = []
    nonisolated(unsafe) static var thread: Thread? = nil
    static let lock = SpinLock()

    static func start() {
        guard !Tracing.rings.isEmpty else { return }
        positions = [UInt64](repeating: 0, count: Tracing.rings.count)
        thread = Scheduler.spawnKernelThread("strace") {
            while true {
                flush()
                _ = Scheduler.sleep(until: Clock.monotonic &+ 10_000_000)
            }
        }
    }

    /// Prints what was recorded since the last call.
    static func flush() {
        guard let me = thread else { return }
        let skip = Tracing.id(of: me)
        var batch: [TraceRecord] = []
        lock.withLock {
            for (cpu, ring) in Tracing.rings.enumerated() {
                let (records, next) = ring.records(from: positions[cpu], committedOnly: true)
                positions[cpu] = next
                batch.append(contentsOf: records)
            }
        }
        batch.sort { $0.tsc < $1.tsc }
        for r in batch where r.thread != skip {
            let t = Tracepoint(id: r.tracepoint)
            Console.writeLine(
                TraceFormatter.line(
                    r, nanoseconds: Clock.nanoseconds(ticks: r.tsc &- Kernel.bootchart.entryTSC), name: t.name,
                    argumentNames: t.argumentNames))
        }
    }
}
#endif
