/// Writes a trace dump: a sequence of chunks, each a four-letter tag, a little-endian 32-bit
/// payload length and the payload (the structure of OSv's `OSVT` dumps, simplified).
///
/// | tag | payload |
/// |---|---|
/// | `SKTR` | version u32 (1), CPUs u32, TSC Hz u64, boot TSC u64, flags u32 (1 backtraces, 2 sampler), sampler Hz u32 |
/// | `TPNT` | per tracepoint: id u16, enabled u8, name (u16 length + bytes), argument names (same) |
/// | `BOOT` | per bootchart phase: TSC u64, name |
/// | `THRD` | per thread: id i32, name |
/// | `SYMB` | per symbol: address u64, name |
/// | `RING` | CPU u32, slots written u64, first slot u64, then the slots (64 bytes each), oldest first |
/// | `END.` | nothing |
///
/// The writer streams into its sink: the kernel frames the bytes for the console as they come,
/// without building the dump in memory.
public struct TraceDumpWriter<Sink: TraceByteSink> {
    public var sink: Sink
    /// Bytes written so far.
    public private(set) var count = 0

    public static var version: UInt32 { 1 }

    public init(sink: Sink) { self.sink = sink }

    public mutating func header(cpuCount: Int, tscHz: UInt64, bootTSC: UInt64, backtraces: Bool, samplerHz: Int) {
        chunk("SKTR", length: 32)
        u32(Self.version)
        u32(UInt32(cpuCount))
        u64(tscHz)
        u64(bootTSC)
        u32((backtraces ? 1 : 0) | (samplerHz > 0 ? 2 : 0))
        u32(UInt32(clamping: samplerHz))
    }

    public mutating func tracepoints(_ list: [Tracepoint], enabled: (Tracepoint) -> Bool) {
        var payload: [UInt8] = []
        for t in list {
            append16(UInt16(t.id), to: &payload)
            payload.append(enabled(t) ? 1 : 0)
            appendName(t.name, to: &payload)
            appendName(t.argumentNames, to: &payload)
        }
        chunk("TPNT", payload)
    }

    public mutating func bootPhases(_ phases: [(name: [UInt8], tsc: UInt64)]) {
        var payload: [UInt8] = []
        for p in phases {
            append64(p.tsc, to: &payload)
            appendName(p.name, to: &payload)
        }
        chunk("BOOT", payload)
    }

    public mutating func threads(_ list: [(id: Int32, name: [UInt8])]) {
        var payload: [UInt8] = []
        for t in list {
            append32(UInt32(bitPattern: t.id), to: &payload)
            appendName(t.name, to: &payload)
        }
        chunk("THRD", payload)
    }

    public mutating func symbols(_ list: [(address: UInt64, name: [UInt8])]) {
        var payload: [UInt8] = []
        for s in list {
            append64(s.address, to: &payload)
            appendName(s.name, to: &payload)
        }
        chunk("SYMB", payload)
    }

    /// One CPU's ring: the slots it still holds, streamed without a copy.
    public mutating func ring(cpu: Int, _ ring: TraceRing) {
        let end = ring.written
        let first = end > UInt64(ring.capacity) ? end - UInt64(ring.capacity) : 0
        let slots = Int(end - first)
        chunk("RING", length: 20 + slots * TraceSlot.bytes)
        u32(UInt32(cpu))
        u64(end)
        u64(first)
        var p = first
        while p < end {
            write(UnsafeRawBufferPointer(start: ring.slot(p), count: TraceSlot.bytes))
            p &+= 1
        }
    }

    public mutating func end() {
        chunk("END.", length: 0)
    }

    // MARK: Encoding

    private mutating func chunk(_ tag: StaticString, _ payload: [UInt8]) {
        chunk(tag, length: payload.count)
        payload.withUnsafeBytes { write($0) }
    }

    private mutating func chunk(_ tag: StaticString, length: Int) {
        write(UnsafeRawBufferPointer(start: tag.utf8Start, count: 4))
        u32(UInt32(length))
    }

    private mutating func write(_ bytes: UnsafeRawBufferPointer) {
        sink.write(bytes)
        count += bytes.count
    }

    private mutating func u32(_ v: UInt32) {
        var le = v.littleEndian
        withUnsafeBytes(of: &le) { write($0) }
    }

    private mutating func u64(_ v: UInt64) {
        var le = v.littleEndian
        withUnsafeBytes(of: &le) { write($0) }
    }

    private func append16(_ v: UInt16, to a: inout [UInt8]) {
        a.append(UInt8(truncatingIfNeeded: v))
        a.append(UInt8(truncatingIfNeeded: v >> 8))
    }

    private func append32(_ v: UInt32, to a: inout [UInt8]) {
        for i in 0..<4 { a.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) }
    }

    private func append64(_ v: UInt64, to a: inout [UInt8]) {
        for i in 0..<8 { a.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
    }

    private func appendName(_ name: [UInt8], to a: inout [UInt8]) {
        let n = min(name.count, Int(UInt16.max))
        append16(UInt16(n), to: &a)
        a.append(contentsOf: name[0..<n])
    }
}
