import ELF

/// The symbol table the kernel carries to symbolize its own backtraces.
///
/// Layout (little-endian), read by Sources/Kernel/Debug/KernelSymbols.swift:
///
///     u32 magic "KSYM", u32 version (1), u32 count, u32 string-table size
///     count × { u64 address, u32 size, u32 name offset }   sorted by address
///     string table: NUL-terminated names
///
/// Names are demangled and simplified on the host so the kernel needs no demangler.
public struct KernelSymbolTable {
    public struct Entry {
        public var address: UInt64
        public var size: UInt32
        public var name: [UInt8]
    }

    public var entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = entries.sorted { $0.address < $1.address }
    }

    /// The function symbols of a linked kernel, with names passed through `demangle`.
    public init(kernel: ELFFile, demangle: ([String]) -> [String]) throws(ELFError) {
        let functions = try kernel.symbols().filter { $0.kind == .function && $0.isDefined && $0.value != 0 }
        // Prefer one name per address: the global one when aliases exist.
        var byAddress: [UInt64: Symbol] = [:]
        for s in functions {
            if let existing = byAddress[s.value], existing.binding != 0 || s.binding == 0 { continue }
            byAddress[s.value] = s
        }
        let symbols = byAddress.values.sorted { $0.value < $1.value }
        let names = demangle(symbols.map { String(decoding: $0.name, as: UTF8.self) })
        var entries: [Entry] = []
        for (i, s) in symbols.enumerated() {
            var name = Array((i < names.count ? names[i] : String(decoding: s.name, as: UTF8.self)).utf8)
            if name.count > 200 { name = Array(name[..<197]) + Array("...".utf8) }
            entries.append(Entry(address: s.value, size: UInt32(truncatingIfNeeded: s.size), name: name))
        }
        self.init(entries: entries)
    }

    public func encoded() -> [UInt8] {
        var strings: [UInt8] = []
        var table: [UInt8] = []
        func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }
        for e in entries {
            append(e.address, to: &table)
            append(e.size, to: &table)
            append(UInt32(strings.count), to: &table)
            strings.append(contentsOf: e.name)
            strings.append(0)
        }
        var out: [UInt8] = []
        append(UInt32(0x4D59_534B), to: &out)
        append(UInt32(1), to: &out)
        append(UInt32(entries.count), to: &out)
        append(UInt32(strings.count), to: &out)
        return out + table + strings
    }
}
