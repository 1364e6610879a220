/// A symbol-table entry.
public struct Symbol: Equatable {
    public enum Kind: Equatable {
        case none, object, function, section, file, tls, other(UInt8)
    }

    public var name: [UInt8]
    public var value: UInt64
    public var size: UInt64
    public var kind: Kind
    /// STB_LOCAL = 0, STB_GLOBAL = 1, STB_WEAK = 2.
    public var binding: UInt8
    public var sectionIndex: UInt16

    public var isDefined: Bool { sectionIndex != 0 }
}

extension ELFFile {
    /// The symbols of `.symtab` (or of `.dynsym` when `dynamic` is true).
    public func symbols(dynamic: Bool = false) throws(ELFError) -> [Symbol] {
        let wanted: SectionHeader.Kind = dynamic ? .dynamicSymbols : .symbolTable
        guard let table = sectionHeaders.first(where: { $0.type == wanted }) else { return [] }
        guard table.entrySize >= 24 else { throw ELFError("symbol table entries are too small") }
        guard let data = contents(offset: table.offset, size: table.size) else {
            throw ELFError("symbol table lies outside the file")
        }
        let stringsIndex = Int(table.link)
        guard stringsIndex < sectionHeaders.count,
            let strings = contents(offset: sectionHeaders[stringsIndex].offset, size: sectionHeaders[stringsIndex].size)
        else { throw ELFError("symbol string table lies outside the file") }
        let count = Int(table.size / table.entrySize)
        var result: [Symbol] = []
        result.reserveCapacity(count)
        for i in 0..<count {
            let o = i * Int(table.entrySize)
            let info = data[o + 4]
            let kind: Symbol.Kind
            switch info & 0xF {
            case 0: kind = .none
            case 1: kind = .object
            case 2: kind = .function
            case 3: kind = .section
            case 4: kind = .file
            case 6: kind = .tls
            case let k: kind = .other(k)
            }
            result.append(
                Symbol(
                    name: ELFFile.cString(in: strings, at: Int(data.loadUnaligned(fromByteOffset: o, as: UInt32.self))) ?? [],
                    value: data.loadUnaligned(fromByteOffset: o + 8, as: UInt64.self),
                    size: data.loadUnaligned(fromByteOffset: o + 16, as: UInt64.self),
                    kind: kind, binding: info >> 4,
                    sectionIndex: data.loadUnaligned(fromByteOffset: o + 6, as: UInt16.self)))
        }
        return result
    }
}
