/// A minimal x86_64 ELF file with just what the library resolver and ldconfig read — PT_INTERP,
/// and a PT_DYNAMIC with DT_NEEDED, DT_SONAME, DT_RPATH and DT_RUNPATH — so that search-order
/// tests can lay out any tree of libraries without a compiler. One PT_LOAD maps the whole file
/// at address 0, so DT_STRTAB's address is its file offset.
struct SyntheticELF {
    var needed: [String] = []
    var soname: String? = nil
    var rpath: String? = nil
    var runpath: String? = nil
    var interpreter: String? = nil
    /// ELFCLASS64 (2); 1 makes a "32-bit" file the resolver must skip.
    var elfClass: UInt8 = 2

    var bytes: [UInt8] {
        let headerCount = interpreter == nil ? 2 : 3
        let stringsOffset = 64 + 56 * headerCount
        var strings: [UInt8] = [0]
        func add(_ s: String) -> UInt64 {
            let offset = UInt64(strings.count)
            strings += Array(s.utf8) + [0]
            return offset
        }
        var dynamic: [(UInt64, UInt64)] = needed.map { (1, add($0)) }
        if let soname { dynamic.append((14, add(soname))) }
        if let rpath { dynamic.append((15, add(rpath))) }
        if let runpath { dynamic.append((29, add(runpath))) }
        let interpreterOffset = interpreter.map { UInt64(stringsOffset) + add($0) }
        dynamic += [(5, UInt64(stringsOffset)), (10, UInt64(strings.count)), (0, 0)]
        let dynamicOffset = (stringsOffset + strings.count + 7) & ~7
        let size = dynamicOffset + 16 * dynamic.count

        var out = [UInt8](repeating: 0, count: size)
        func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
            withUnsafeBytes(of: value.littleEndian) { out.replaceSubrange(offset..<offset + MemoryLayout<T>.size, with: $0) }
        }
        out.replaceSubrange(0..<8, with: [0x7F, 0x45, 0x4C, 0x46, elfClass, 1, 1, 0])
        put(UInt16(3), at: 16)  // ET_DYN
        put(UInt16(62), at: 18)  // EM_X86_64
        put(UInt32(1), at: 20)
        put(UInt64(64), at: 32)  // e_phoff
        put(UInt16(64), at: 52)
        put(UInt16(56), at: 54)
        put(UInt16(headerCount), at: 56)
        put(UInt16(64), at: 58)
        func programHeader(_ index: Int, type: UInt32, flags: UInt32, offset: Int, size: Int) {
            let base = 64 + 56 * index
            put(type, at: base)
            put(flags, at: base + 4)
            put(UInt64(offset), at: base + 8)
            put(UInt64(offset), at: base + 16)  // p_vaddr
            put(UInt64(offset), at: base + 24)  // p_paddr
            put(UInt64(size), at: base + 32)
            put(UInt64(size), at: base + 40)
            put(UInt64(type == 1 ? 0x1000 : 8), at: base + 48)
        }
        programHeader(0, type: 1, flags: 4, offset: 0, size: size)  // PT_LOAD, read-only
        programHeader(1, type: 2, flags: 4, offset: dynamicOffset, size: 16 * dynamic.count)  // PT_DYNAMIC
        if let interpreterOffset, let interpreter {
            programHeader(2, type: 3, flags: 4, offset: Int(interpreterOffset), size: interpreter.utf8.count + 1)
        }
        out.replaceSubrange(stringsOffset..<stringsOffset + strings.count, with: strings)
        for (i, (tag, value)) in dynamic.enumerated() {
            put(tag, at: dynamicOffset + 16 * i)
            put(value, at: dynamicOffset + 16 * i + 8)
        }
        return out
    }
}

extension TemporaryDirectory {
    /// Writes `elf` at `relative` and returns the absolute path.
    @discardableResult
    func writeELF(_ relative: String, _ elf: SyntheticELF, mode: Int = 0o755) throws -> String {
        try writeBytes(relative, elf.bytes, mode: mode)
    }

    /// Writes a library that needs nothing at each of `relatives`: the copies a test tells apart
    /// by their folder.
    func writeLeafLibraries(_ relatives: [String]) throws {
        for relative in relatives { try writeELF(relative, SyntheticELF()) }
    }
}
