/// PCI Express memory-mapped configuration space (ECAM) regions.
public struct MCFG {
    public struct Region: Equatable {
        public var base: UInt64
        public var segment: UInt16
        public var startBus: UInt8
        public var endBus: UInt8
    }

    public var regions: [Region] = []

    public init(entry: ACPITables.Entry, read: PhysicalReader) throws(ACPIError) {
        guard entry.signature == Array("MCFG".utf8) else { throw ACPIError("not an MCFG") }
        guard let t = read(entry.address, entry.length) else { throw ACPIError("MCFG is unreadable") }
        var offset = 44
        while offset + 16 <= t.count {
            let start = t[offset + 10]
            let end = t[offset + 11]
            guard end >= start else { throw ACPIError("MCFG region has end bus \(end) below start bus \(start)") }
            regions.append(
                Region(
                    base: t.loadUnaligned(fromByteOffset: offset, as: UInt64.self),
                    segment: t.loadUnaligned(fromByteOffset: offset + 8, as: UInt16.self),
                    startBus: start, endBus: end))
            offset += 16
        }
    }
}
