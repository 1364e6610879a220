/// What a dynamically linked file asks of its loader: needed libraries and where to find them.
public struct DynamicSection {
    /// DT_NEEDED entries, in order.
    public var needed: [[UInt8]] = []
    public var soname: [UInt8]? = nil
    /// DT_RPATH (searched before LD_LIBRARY_PATH) and DT_RUNPATH (after), colon-separated.
    public var rpath: [UInt8]? = nil
    public var runpath: [UInt8]? = nil
    /// DT_FLAGS_1 has DF_1_PIE: a position-independent executable rather than a library.
    public var isPIE = false

    public init() {}
}

extension ELFFile {
    /// Parses `PT_DYNAMIC`, resolving string offsets through `DT_STRTAB` (an address mapped by
    /// a `PT_LOAD`). Nil for a file without a dynamic segment.
    public func dynamicSection() throws(ELFError) -> DynamicSection? {
        guard let ph = programHeaders.first(where: { $0.type == .dynamic }) else { return nil }
        guard let data = contents(offset: ph.offset, size: ph.fileSize) else {
            throw ELFError("dynamic segment lies outside the file")
        }
        var entries: [(UInt64, UInt64)] = []
        var o = 0
        while o + 16 <= data.count {
            let tag = data.loadUnaligned(fromByteOffset: o, as: UInt64.self)
            let value = data.loadUnaligned(fromByteOffset: o + 8, as: UInt64.self)
            if tag == 0 { break }
            entries.append((tag, value))
            o += 16
        }
        guard let strtabAddress = entries.first(where: { $0.0 == 5 })?.1 else {
            throw ELFError("dynamic segment has no string table")
        }
        let strsz = entries.first(where: { $0.0 == 10 })?.1 ?? 0
        guard let strtabOffset = fileOffset(ofAddress: strtabAddress),
            let strings = contents(offset: strtabOffset, size: strsz)
        else { throw ELFError("dynamic string table lies outside the file") }

        var result = DynamicSection()
        for (tag, value) in entries {
            switch tag {
            case 1: if let s = ELFFile.cString(in: strings, at: Int(truncatingIfNeeded: value)) { result.needed.append(s) }
            case 14: result.soname = ELFFile.cString(in: strings, at: Int(truncatingIfNeeded: value))
            case 15: result.rpath = ELFFile.cString(in: strings, at: Int(truncatingIfNeeded: value))
            case 29: result.runpath = ELFFile.cString(in: strings, at: Int(truncatingIfNeeded: value))
            case 0x6FFF_FFFB: result.isPIE = value & 0x0800_0000 != 0
            default: break
            }
        }
        return result
    }

    /// Translates a virtual address into a file offset through the `PT_LOAD` that maps it.
    public func fileOffset(ofAddress address: UInt64) -> UInt64? {
        for ph in programHeaders where ph.type == .load {
            if address >= ph.virtualAddress && address - ph.virtualAddress < ph.fileSize {
                return ph.offset + (address - ph.virtualAddress)
            }
        }
        return nil
    }
}
