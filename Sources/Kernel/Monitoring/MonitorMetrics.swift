#if SKIFF_KERNEL
import ProcFS
import Trace
import CKernel
import Memory
import Monitoring
import Scheduling
import Synchronization
import Net

/// `/metrics`: the kernel's counters in the Prometheus text format.
enum MonitorMetrics {
    @_optimize(size) static func text() -> [UInt8] {
        var p = PrometheusWriter()
        p.family("skiff_info", .gauge, help: "Skiff version (always 1).")
        p.sample("skiff_info", [("version", String(Kernel.version))], 1)
        p.family("skiff_uptime_seconds", .gauge, help: "Time since the kernel started.")
        p.sample("skiff_uptime_seconds", [], milli: Clock.monotonic / 1_000_000)

        // Memory
        p.family("skiff_memory_total_bytes", .gauge, help: "Memory the page allocator manages.")
        p.sample("skiff_memory_total_bytes", [], PhysicalMemory.totalBytes)
        p.family("skiff_memory_free_bytes", .gauge, help: "Free memory, including per-CPU page caches.")
        p.sample("skiff_memory_free_bytes", [], PhysicalMemory.freeBytes)
        let memory = ProcSystemReports.memoryInfo()
        p.family("skiff_memory_cache_bytes", .gauge, help: "Files held in memory: tmpfs contents, and file-system metadata blocks.")
        p.sample("skiff_memory_cache_bytes", [("kind", "tmpfs")], memory.shared)
        p.sample("skiff_memory_cache_bytes", [("kind", "metadata")], memory.buffers)
        p.family("skiff_kernel_heap_bytes", .gauge, help: "Kernel heap: bytes allocated, and bytes held in slabs and runs.")
        p.sample("skiff_kernel_heap_bytes", [("state", "allocated")], KernelHeap.bytesInUse)
        p.sample("skiff_kernel_heap_bytes", [("state", "reserved")], KernelHeap.bytesReserved)
        // Per size class: what a leak hunt compares before and after a load.
        p.family("skiff_kernel_heap_objects", .gauge, help: "Live kernel heap objects by size class (bytes).")
        for i in 0..<SizeClasses.count {
            let stats = KernelHeap.lock.withLock { KernelHeap.heap?.classStatistics(at: i) }
            if let stats {
                p.sample("skiff_kernel_heap_objects", [("size", "\(stats.size)")], stats.objectsInUse &- KernelHeap.objectsCached(classIndex: i))
            }
        }

        // CPUs and scheduling
        let cpus = Scheduler.cpus.filter { $0.online }
        p.family("skiff_cpus", .gauge, help: "Online CPUs.")
        p.sample("skiff_cpus", [], cpus.count)
        let now = Clock.monotonic
        p.family("skiff_cpu_seconds_total", .counter, help: "CPU time by mode (idle: halted in the idle loop).")
        for c in cpus {
            let idle = min(c.idleTime, now)
            p.sample("skiff_cpu_seconds_total", [("cpu", "\(c.index)"), ("mode", "idle")], milli: idle / 1_000_000)
            p.sample("skiff_cpu_seconds_total", [("cpu", "\(c.index)"), ("mode", "busy")], milli: (now - idle) / 1_000_000)
        }
        p.family("skiff_context_switches_total", .counter, help: "Thread switches.")
        for c in cpus { p.sample("skiff_context_switches_total", [("cpu", "\(c.index)")], c.contextSwitches) }
        p.family("skiff_interrupts_total", .counter, help: "Hardware interrupts and IPIs handled.")
        for c in cpus { p.sample("skiff_interrupts_total", [("cpu", "\(c.index)")], c.interrupts) }
        p.family("skiff_syscalls_total", .counter, help: "System calls entered.")
        for c in cpus { p.sample("skiff_syscalls_total", [("cpu", "\(c.index)")], c.percpu.pointee.syscalls) }
        var kernelThreads = 0
        var applicationThreads = 0
        Scheduler.tableLock.withLock {
            Scheduler.threads.forEach { _, t in
                if t.process == nil { kernelThreads += 1 } else { applicationThreads += 1 }
            }
        }
        p.family("skiff_threads", .gauge, help: "Threads by kind.")
        p.sample("skiff_threads", [("kind", "application")], applicationThreads)
        p.sample("skiff_threads", [("kind", "kernel")], kernelThreads)
        p.family("skiff_processes", .gauge, help: "Processes.")
        p.sample("skiff_processes", [], Processes.snapshot.count)

        network(&p)
        block(&p)

        p.family("skiff_trace_events_total", .counter, help: "Trace slots written per CPU ring.")
        for (i, ring) in Tracing.rings.enumerated() { p.sample("skiff_trace_events_total", [("cpu", "\(i)")], ring.written) }
        p.family("skiff_monitor_requests_total", .counter, help: "Monitoring API requests by outcome.")
        p.sample("skiff_monitor_requests_total", [("outcome", "ok")], MonitorServer.served)
        p.sample("skiff_monitor_requests_total", [("outcome", "error")], MonitorServer.rejected)
        return p.bytes
    }

    @_optimize(size) static func network(_ p: inout PrometheusWriter) {
        let snapshot = try? Network.inspect { (stack) throws(NetError) -> ([(String, InterfaceStatistics)], TCPStatistics) in
            (stack.interfaceIDs.map { (Network.name(of: $0), stack.statistics(of: $0) ?? InterfaceStatistics()) }, stack.tcpStatistics)
        }
        guard let (interfaces, tcp) = snapshot else { return }
        let counters: [(String, String, (InterfaceStatistics) -> UInt64)] = [
            ("skiff_network_receive_packets_total", "Packets received.", { $0.receivedPackets }),
            ("skiff_network_receive_bytes_total", "Bytes received.", { $0.receivedBytes }),
            ("skiff_network_receive_drops_total", "Received frames dropped.", { $0.receiveDrops }),
            ("skiff_network_transmit_packets_total", "Packets sent.", { $0.sentPackets }),
            ("skiff_network_transmit_bytes_total", "Bytes sent.", { $0.sentBytes }),
            ("skiff_network_transmit_drops_total", "Outgoing packets dropped.", { $0.sendDrops }),
        ]
        for (name, help, value) in counters {
            p.family(name, .counter, help: help)
            for (interface, s) in interfaces { p.sample(name, [("interface", interface)], value(s)) }
        }
        p.family("skiff_tcp_segments_total", .counter, help: "TCP segments by direction.")
        p.sample("skiff_tcp_segments_total", [("direction", "received")], tcp.segmentsReceived)
        p.sample("skiff_tcp_segments_total", [("direction", "sent")], tcp.segmentsSent)
        p.family("skiff_tcp_retransmitted_segments_total", .counter, help: "TCP segments sent again.")
        p.sample("skiff_tcp_retransmitted_segments_total", [], tcp.retransmittedSegments)
        p.family("skiff_tcp_opens_total", .counter, help: "TCP connections opened, by side.")
        p.sample("skiff_tcp_opens_total", [("side", "active")], tcp.activeOpens)
        p.sample("skiff_tcp_opens_total", [("side", "passive")], tcp.passiveOpens)
    }

    @_optimize(size) static func block(_ p: inout PrometheusWriter) {
        p.family("skiff_block_requests_total", .counter, help: "virtio-blk requests by operation.")
        p.sample("skiff_block_requests_total", [("op", "read")], BlockStatistics.reads.load(ordering: .relaxed))
        p.sample("skiff_block_requests_total", [("op", "write")], BlockStatistics.writes.load(ordering: .relaxed))
        p.sample("skiff_block_requests_total", [("op", "flush")], BlockStatistics.flushes.load(ordering: .relaxed))
        p.sample("skiff_block_requests_total", [("op", "discard")], BlockStatistics.discards.load(ordering: .relaxed))
        p.family("skiff_block_bytes_total", .counter, help: "Bytes moved by virtio-blk requests.")
        p.sample("skiff_block_bytes_total", [("op", "read")], BlockStatistics.bytesRead.load(ordering: .relaxed))
        p.sample("skiff_block_bytes_total", [("op", "write")], BlockStatistics.bytesWritten.load(ordering: .relaxed))
        p.family("skiff_block_errors_total", .counter, help: "Failed virtio-blk requests.")
        p.sample("skiff_block_errors_total", [], BlockStatistics.errors.load(ordering: .relaxed))
        p.family("skiff_block_busy_seconds_total", .counter, help: "Time requests spent at the device.")
        p.sample("skiff_block_busy_seconds_total", [], milli: BlockStatistics.busyNanoseconds.load(ordering: .relaxed) / 1_000_000)
    }
}
#endif
