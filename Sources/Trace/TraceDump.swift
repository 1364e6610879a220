/// A parsed trace dump (the format ``TraceDumpWriter`` describes).
public struct TraceDump: Sendable {
    public struct TracepointInfo: Equatable, Sendable {
        public var id: UInt16
        public var enabled: Bool
        public var name: String
        public var argumentNames: [String]
    }

    public struct Ring: Sendable {
        public var cpu: Int
        /// Slots the CPU wrote in all; more than it holds means the oldest were overwritten.
        public var written: UInt64
        public var first: UInt64
        public var records: [TraceRecord]
        public var lostSlots: UInt64 { first }
    }

    public var cpuCount = 0
    public var tscHz: UInt64 = 0
    public var bootTSC: UInt64 = 0
    public var backtraces = false
    public var samplerHz = 0
    public var tracepoints: [TracepointInfo] = []
    public var bootPhases: [(name: String, tsc: UInt64)] = []
    public var threads: [(id: Int32, name: String)] = []
    /// Sorted by address.
    public var symbols: [(address: UInt64, name: String)] = []
    public var rings: [Ring] = []

    public init() {}

    /// Parses a dump.
    public static func parse(_ bytes: [UInt8]) throws(TraceDumpError) -> TraceDump {
        var dump = TraceDump()
        var r = Reader(bytes: bytes, offset: 0)
        var sawHeader = false
        var sawEnd = false
        while r.offset < bytes.count {
            guard r.remaining >= 8 else { throw TraceDumpError("truncated chunk header at byte \(r.offset)") }
            let tag = r.u32()
            let length = Int(r.u32())
            guard length <= r.remaining else { throw TraceDumpError("a chunk is truncated at byte \(r.offset)") }
            var c = Reader(bytes: Array(bytes[r.offset..<(r.offset + length)]), offset: 0)
            r.offset += length
            if !sawHeader && tag != Tag.header { throw TraceDumpError("not a Skiff trace dump") }
            switch tag {
            case Tag.header:
                guard length >= 32 else { throw TraceDumpError("short header") }
                let version = c.u32()
                guard version == 1 else { throw TraceDumpError("unsupported dump version \(version)") }
                dump.cpuCount = Int(c.u32())
                dump.tscHz = c.u64()
                dump.bootTSC = c.u64()
                let flags = c.u32()
                dump.backtraces = flags & 1 != 0
                dump.samplerHz = Int(c.u32())
                sawHeader = true
            case Tag.tracepoints:
                while c.remaining > 0 {
                    let id = c.u16()
                    let enabled = c.u8() != 0
                    let name = try c.name()
                    let arguments = try c.name()
                    dump.tracepoints.append(
                        TracepointInfo(
                            id: id, enabled: enabled, name: name,
                            argumentNames: arguments.isEmpty ? [] : arguments.split(separator: ",").map(String.init)))
                }
            case Tag.boot:
                while c.remaining > 0 {
                    let tsc = c.u64()
                    dump.bootPhases.append((try c.name(), tsc))
                }
            case Tag.threads:
                while c.remaining > 0 {
                    let id = Int32(bitPattern: c.u32())
                    dump.threads.append((id, try c.name()))
                }
            case Tag.symbols:
                while c.remaining > 0 {
                    let address = c.u64()
                    dump.symbols.append((address, try c.name()))
                }
                dump.symbols.sort { $0.address < $1.address }
            case Tag.ring:
                guard length >= 20, (length - 20) % TraceSlot.bytes == 0 else { throw TraceDumpError("malformed ring chunk") }
                let cpu = Int(c.u32())
                let written = c.u64()
                let first = c.u64()
                var words: [UInt64] = []
                words.reserveCapacity((length - 20) / 8)
                while c.remaining >= 8 { words.append(c.u64()) }
                dump.rings.append(Ring(cpu: cpu, written: written, first: first, records: TraceDecoder.records(slots: words)))
            case Tag.end:
                sawEnd = true
            default:
                break  // a newer writer's chunk: skip it
            }
            if sawEnd { break }
        }
        guard sawHeader else { throw TraceDumpError("not a Skiff trace dump") }
        guard sawEnd else { throw TraceDumpError("the dump is truncated (no END. chunk)") }
        return dump
    }

    /// All records of all CPUs, in time order.
    public var records: [TraceRecord] {
        var all: [TraceRecord] = []
        for ring in rings { all.append(contentsOf: ring.records) }
        all.sort { $0.tsc < $1.tsc }
        return all
    }

    /// The tracepoint's name, from the dump's dictionary (or the built-in catalogue).
    public func name(of id: UInt16) -> String {
        for t in tracepoints where t.id == id { return t.name }
        let bytes = Tracepoint(id: id).name
        return bytes.isEmpty ? "tracepoint_\(id)" : String(decoding: bytes, as: UTF8.self)
    }

    public func argumentNames(of id: UInt16) -> [String] {
        for t in tracepoints where t.id == id { return t.argumentNames }
        return []
    }

    /// Nanoseconds since kernel entry for a TSC value.
    public func nanoseconds(_ tsc: UInt64) -> UInt64 {
        guard tscHz > 0 else { return 0 }
        let ticks = tsc &- bootTSC
        guard tsc >= bootTSC else { return 0 }
        let (high, low) = ticks.multipliedFullWidth(by: 1_000_000_000)
        guard high < tscHz else { return UInt64.max }
        return tscHz.dividingFullWidth((high, low)).quotient
    }

    public func threadName(_ id: Int32) -> String? {
        for t in threads where t.id == id { return t.name }
        return nil
    }

    /// The function containing `address`, from the dump's symbols.
    public func symbol(for address: UInt64) -> String? {
        var low = 0
        var high = symbols.count
        while low < high {
            let mid = (low + high) / 2
            if symbols[mid].address <= address { low = mid + 1 } else { high = mid }
        }
        guard low > 0 else { return nil }
        return symbols[low - 1].name
    }

    /// Chunk tags as little-endian 32-bit values.
    enum Tag {
        static func value(_ s: StaticString) -> UInt32 {
            let p = s.utf8Start
            return UInt32(p[0]) | UInt32(p[1]) << 8 | UInt32(p[2]) << 16 | UInt32(p[3]) << 24
        }
        static let header = value("SKTR")
        static let tracepoints = value("TPNT")
        static let boot = value("BOOT")
        static let threads = value("THRD")
        static let symbols = value("SYMB")
        static let ring = value("RING")
        static let end = value("END.")
    }

    private struct Reader {
        var bytes: [UInt8]
        var offset: Int
        var remaining: Int { bytes.count - offset }

        mutating func u8() -> UInt8 {
            guard offset < bytes.count else { return 0 }
            offset += 1
            return bytes[offset - 1]
        }

        mutating func u16() -> UInt16 { UInt16(u8()) | UInt16(u8()) << 8 }
        mutating func u32() -> UInt32 { UInt32(u16()) | UInt32(u16()) << 16 }
        mutating func u64() -> UInt64 { UInt64(u32()) | UInt64(u32()) << 32 }

        mutating func name() throws(TraceDumpError) -> String {
            let n = Int(u16())
            guard n <= remaining else { throw TraceDumpError("truncated name") }
            let s = String(decoding: bytes[offset..<(offset + n)], as: UTF8.self)
            offset += n
            return s
        }
    }
}
