#if SKIFF_KERNEL
import ACPI
import Boot
import LinuxABI
import Scheduling
import Monitoring
import Net
import ProcFS
import Trace

/// The answers of the monitoring API, in the shapes OSv's monitoring API gives them (a bare
/// JSON string or number for single values, objects and lists otherwise).
enum MonitorEndpoints {
    @_optimize(size) static func answer(_ route: MonitorRoute) -> HTTPResponse {
        var w = JSONWriter()
        switch route {
        case .index:
            w.beginObject()
            w.key("paths")
            w.beginArray()
            for p in MonitorRoute.paths { w.string(p) }
            for p in ["/network/ifconfig/{interface}", "/env/{name}", "/trace/event/{tracepoint}"] { w.string(p) }
            w.endArray()
            w.endObject()
        case .osName: w.string("Skiff")
        case .osVendor: w.string("Skiff")
        case .osVersion: w.string(String(Kernel.version))
        case .osUptime: w.uint(Clock.monotonic / 1_000_000_000)
        case .osDate: w.string(CivilTime.iso8601(epochSeconds: Clock.realtime / 1_000_000_000))
        case .osHostname: w.string(bytes: Processes.find(1)?.hostname ?? Array("skiff".utf8))
        case .osCmdline: w.string(Kernel.startInfo?.commandLine ?? "")
        case .osDmesg: w.string(bytes: KernelLog.contents)
        case .osThreads: threads(&w)
        case .osMemoryTotal: w.uint(PhysicalMemory.totalBytes)
        case .osMemoryFree: w.uint(PhysicalMemory.freeBytes)
        case .osMemoryBalloon: w.uint(0)
        case .processorCount: w.int(Scheduler.onlineCount)
        case .processorFlags:
            w.beginArray()
            var flags = CPUFlags()
            flags.leaf1EDX = CPUFeatures.leaf1EDX
            flags.leaf1ECX = CPUFeatures.leaf1ECX
            for f in flags.leaf1Names { w.string(bytes: Array(UnsafeBufferPointer(start: f.utf8Start, count: f.utf8CodeUnitCount))) }
            w.endArray()
        case .firmwareVendor: w.string(bytes: firmwareVendor)
        case .hypervisor: w.string(hypervisor)
        case .interfaces:
            w.beginArray()
            for id in interfaceIDs { interface(id, &w) }
            w.endArray()
        case .interface(let name):
            guard let id = interfaceIDs.first(where: { Array(Network.name(of: $0).utf8) == name }) else {
                return .error(.notFound, "no interface " + String(decoding: name, as: UTF8.self))
            }
            interface(id, &w)
        case .routes: routes(&w)
        case .environment:
            w.beginArray()
            for e in Processes.find(1)?.environment ?? [] { w.string(bytes: e) }
            w.endArray()
        case .environmentVariable(let name):
            let prefix = name + [UInt8(ascii: "=")]
            guard let entry = (Processes.find(1)?.environment ?? []).first(where: { $0.starts(with: prefix) }) else {
                return .error(.notFound, "no environment variable " + String(decoding: name, as: UTF8.self))
            }
            w.string(bytes: Array(entry[prefix.count...]))
        case .traceStatus:
            w.beginArray()
            for t in Tracepoint.all { tracepoint(t, &w) }
            w.endArray()
        case .traceEvent(let name):
            guard let t = Tracepoint.named(name) else {
                return .error(.notFound, "no tracepoint " + String(decoding: name, as: UTF8.self))
            }
            tracepoint(t, &w)
        case .traceCount: traceCounts(&w)
        case .traceBuffers:
            guard !Tracing.rings.isEmpty else { return .error(.notFound, "tracing is off (boot with --trace=PATTERNS)") }
            return HTTPResponse(status: .ok, contentType: "application/octet-stream", body: TraceDumper.write(to: [UInt8]()))
        case .metrics:
            return HTTPResponse(status: .ok, contentType: PrometheusWriter.contentType, body: MonitorMetrics.text())
        }
        return .json(w.bytes)
    }

    // MARK: OS

    /// OSv's `/os/threads`: `{"time_ms": …, "list": [{"id", "name", "cpu", "cpu_ms", "status", …}]}`.
    @_optimize(size) static func threads(_ w: inout JSONWriter) {
        var live: [Thread] = []
        Scheduler.tableLock.withLock { Scheduler.threads.forEach { _, t in live.append(t) } }
        w.beginObject()
        w.field("time_ms", Clock.monotonic / 1_000_000)
        w.key("list")
        w.beginArray()
        for t in live {
            w.beginObject()
            w.field("id", Int(Tracing.id(of: t)))
            w.field("tid", Int(t.id))
            w.field("name", bytes: Tracing.name(of: t))
            if let p = t.process { w.field("pid", Int(p.id)) } else { w.key("pid"); w.null() }
            w.field("cpu", t.cpu)
            w.field("cpu_ms", t.runtime / 1_000_000)
            w.field("status", status(t.state))
            w.field("kernel", t.process == nil)
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    @_optimize(size) static func status(_ s: Thread.State) -> String {
        switch s {
        case .new: "new"
        case .runnable: "queued"
        case .running: "running"
        case .blocked: "waiting"
        case .exited: "terminated"
        }
    }

    // MARK: Hardware

    /// The OEM ID of the first ACPI table (`BOCHS` under QEMU), or "none".
    static var firmwareVendor: [UInt8] {
        guard let entry = Firmware.tables?.entries.first, let header = DirectMap.read(entry.address, 16) else {
            return Array("none".utf8)
        }
        var oem = Array(header[10..<16])
        while oem.last == 0x20 || oem.last == 0 { oem.removeLast() }
        return oem
    }

    static var hypervisor: String {
        if CPUFeatures.isKVM { return "kvm" }
        if CPUFeatures.isTCG { return "qemu-tcg" }
        return CPUFeatures.isHypervisor ? "unknown" : "none"
    }

    // MARK: Network

    static var interfaceIDs: [InterfaceID] {
        (try? Network.inspect { (stack) throws(NetError) -> [InterfaceID] in stack.interfaceIDs }) ?? []
    }

    /// OSv's ifconfig entry: `{"config": {…}, "data": {ifi_* counters}, "time": ms}`.
    @_optimize(size) static func interface(_ id: InterfaceID, _ w: inout JSONWriter) {
        struct Snapshot {
            var mac: MACAddress
            var mtu: Int
            var v4: [IPv4InterfaceAddress]
            var v6: [String]
            var statistics: InterfaceStatistics
        }
        guard
            let s = try? Network.inspect({ (stack) throws(NetError) -> Snapshot in
                Snapshot(
                    mac: stack.macAddress(of: id) ?? .zero, mtu: stack.mtu(of: id) ?? 0, v4: stack.ipv4Addresses(of: id),
                    v6: stack.ipv6Addresses(of: id).map { $0.address.description },
                    statistics: stack.statistics(of: id) ?? InterfaceStatistics())
            })
        else { return }
        w.beginObject()
        w.key("config")
        w.beginObject()
        w.field("name", Network.name(of: id))
        w.field("addr", s.v4.first.map { $0.address.description } ?? "")
        w.field("mask", s.v4.first.map { Net.IPv4Address(rawValue: Net.IPv4Address.mask(prefixLength: $0.prefixLength)).description } ?? "")
        w.field("broadcast", s.v4.first.map { $0.broadcast.description } ?? "")
        w.key("addresses6")
        w.beginArray()
        for a in s.v6 { w.string(a) }
        w.endArray()
        w.field("flags", id == .loopback ? "UP LOOPBACK RUNNING" : "UP BROADCAST RUNNING MULTICAST")
        w.field("mtu", s.mtu)
        w.field("phys_addr", macText(s.mac))
        w.endObject()
        w.key("data")
        w.beginObject()
        w.field("ifi_ipackets", s.statistics.receivedPackets)
        w.field("ifi_ibytes", s.statistics.receivedBytes)
        w.field("ifi_iqdrops", s.statistics.receiveDrops)
        w.field("ifi_opackets", s.statistics.sentPackets)
        w.field("ifi_obytes", s.statistics.sentBytes)
        w.field("ifi_oerrors", s.statistics.sendDrops)
        w.field("ifi_mtu", s.mtu)
        w.endObject()
        w.field("time", Clock.monotonic / 1_000_000)
        w.endObject()
    }

    @_optimize(size) static func macText(_ mac: MACAddress) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for i in 0..<6 {
            if i > 0 { out.append(UInt8(ascii: ":")) }
            let b = mac.byte(i)
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    @_optimize(size) static func routes(_ w: inout JSONWriter) {
        let list = (try? Network.inspect { (stack) throws(NetError) -> [Route] in stack.routes }) ?? []
        w.beginArray()
        for r in list {
            w.beginObject()
            w.field("destination", r.destination.description)
            w.field("prefix_length", r.prefixLength)
            w.field("gateway", r.gateway.map { $0.description } ?? "")
            w.field("interface", Network.name(of: r.interface))
            w.endObject()
        }
        w.endArray()
    }

    // MARK: Trace

    /// OSv's `/trace/status` entry: `{"name", "id", "enabled", "backtrace"}`.
    @_optimize(size) static func tracepoint(_ t: Tracepoint, _ w: inout JSONWriter) {
        w.beginObject()
        w.field("name", bytes: t.name)
        w.field("id", Int(t.id))
        let on = Tracing.isEnabled(t) || (t == .samplerTick && Sampler.hz > 0)
        w.field("enabled", on)
        w.field("backtrace", on && (Tracing.backtraces || t == .samplerTick))
        w.endObject()
    }

    /// Events per tracepoint in the rings now: `{"time_ms", "list": [{"name", "count"}]}`.
    @_optimize(size) static func traceCounts(_ w: inout JSONWriter) {
        var ids: [UInt16] = []
        for ring in Tracing.rings { for r in ring.records().records { ids.append(r.tracepoint) } }
        ids.sort()
        w.beginObject()
        w.field("time_ms", Clock.monotonic / 1_000_000)
        w.key("list")
        w.beginArray()
        var i = 0
        while i < ids.count {
            var j = i
            while j < ids.count && ids[j] == ids[i] { j += 1 }
            w.beginObject()
            w.field("name", bytes: Tracepoint(id: ids[i]).name)
            w.field("count", j - i)
            w.endObject()
            i = j
        }
        w.endArray()
        w.endObject()
    }
}
#endif
