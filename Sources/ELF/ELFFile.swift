/// A parsed, validated ELF64 little-endian x86_64 file held in memory.
///
/// Every offset and size in the headers is checked against the file before use, because the
/// bytes come from outside (a user's program, an image, a guest's `execve`). Parsing never
/// traps on bad input; it throws `ELFError`.
public struct ELFFile {
    public enum FileType: Equatable {
        case relocatable, executable, sharedObject, core, other(UInt16)
    }

    public let bytes: UnsafeRawBufferPointer
    public let type: FileType
    public let entry: UInt64
    public let programHeaders: [ProgramHeader]
    public let sectionHeaders: [SectionHeader]
    /// Index of the section-name string table, or nil.
    public let sectionNameTableIndex: Int?

    public init(_ bytes: UnsafeRawBufferPointer) throws(ELFError) {
        self.bytes = bytes
        guard bytes.count >= 64 else { throw ELFError("file is too short to be an ELF file") }
        guard bytes[0] == 0x7F, bytes[1] == 0x45, bytes[2] == 0x4C, bytes[3] == 0x46 else {
            throw ELFError("not an ELF file")
        }
        guard bytes[4] == 2 else { throw ELFError("a 32-bit ELF file; Skiff runs 64-bit x86_64 programs") }
        guard bytes[5] == 1 else { throw ELFError("a big-endian ELF file; Skiff runs x86_64 programs") }
        let machine = bytes.loadUnaligned(fromByteOffset: 18, as: UInt16.self)
        guard machine == 62 else {
            throw ELFError("built for \(Self.machineName(machine)); Skiff runs x86_64 programs")
        }
        switch bytes.loadUnaligned(fromByteOffset: 16, as: UInt16.self) {
        case 1: type = .relocatable
        case 2: type = .executable
        case 3: type = .sharedObject
        case 4: type = .core
        case let t: type = .other(t)
        }
        entry = bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self)

        let phoff = bytes.loadUnaligned(fromByteOffset: 32, as: UInt64.self)
        let phentsize = Int(bytes.loadUnaligned(fromByteOffset: 54, as: UInt16.self))
        let phnum = Int(bytes.loadUnaligned(fromByteOffset: 56, as: UInt16.self))
        var phdrs: [ProgramHeader] = []
        if phnum > 0 {
            guard phentsize >= 56 else { throw ELFError("program header entries are too small (\(phentsize) bytes)") }
            guard let table = Self.range(phoff, UInt64(phnum * phentsize), in: bytes.count) else {
                throw ELFError("program header table lies outside the file")
            }
            for i in 0..<phnum {
                let o = table.lowerBound + i * phentsize
                phdrs.append(ProgramHeader(bytes, at: o))
            }
        }
        programHeaders = phdrs

        let shoff = bytes.loadUnaligned(fromByteOffset: 40, as: UInt64.self)
        let shentsize = Int(bytes.loadUnaligned(fromByteOffset: 58, as: UInt16.self))
        let shnum = Int(bytes.loadUnaligned(fromByteOffset: 60, as: UInt16.self))
        let shstrndx = Int(bytes.loadUnaligned(fromByteOffset: 62, as: UInt16.self))
        var shdrs: [SectionHeader] = []
        if shnum > 0 && shoff != 0 {
            guard shentsize >= 64 else { throw ELFError("section header entries are too small (\(shentsize) bytes)") }
            guard let table = Self.range(shoff, UInt64(shnum * shentsize), in: bytes.count) else {
                throw ELFError("section header table lies outside the file")
            }
            for i in 0..<shnum {
                shdrs.append(SectionHeader(bytes, at: table.lowerBound + i * shentsize))
            }
        }
        sectionHeaders = shdrs
        sectionNameTableIndex = shstrndx < shdrs.count ? shstrndx : nil

        for (i, ph) in phdrs.enumerated() where ph.type == .load {
            guard ph.fileSize <= ph.memorySize else {
                throw ELFError("segment \(i) has a file size larger than its memory size")
            }
            guard Self.range(ph.offset, ph.fileSize, in: bytes.count) != nil else {
                throw ELFError("segment \(i) lies outside the file (the file may be truncated)")
            }
            guard ph.virtualAddress <= UInt64.max - ph.memorySize else {
                throw ELFError("segment \(i) wraps around the address space")
            }
        }
    }

    /// The byte range `offset ..< offset + size` if it lies within a file of `count` bytes.
    public static func range(_ offset: UInt64, _ size: UInt64, in count: Int) -> Range<Int>? {
        guard offset <= UInt64(count), size <= UInt64(count) - offset else { return nil }
        return Int(offset)..<Int(offset + size)
    }

    /// The bytes of a segment or section as they are in the file.
    public func contents(offset: UInt64, size: UInt64) -> UnsafeRawBufferPointer? {
        guard let r = Self.range(offset, size, in: bytes.count) else { return nil }
        return UnsafeRawBufferPointer(rebasing: bytes[r])
    }

    /// The NUL-terminated string at `offset` in the string-table section `table`.
    public func string(inSection table: Int, at offset: UInt32) -> [UInt8]? {
        guard table < sectionHeaders.count else { return nil }
        let s = sectionHeaders[table]
        guard let data = contents(offset: s.offset, size: s.size) else { return nil }
        return Self.cString(in: data, at: Int(offset))
    }

    static func cString(in data: UnsafeRawBufferPointer, at offset: Int) -> [UInt8]? {
        guard offset >= 0, offset < data.count else { return nil }
        var end = offset
        while end < data.count && data[end] != 0 { end += 1 }
        guard end < data.count else { return nil }
        return Array(data[offset..<end])
    }

    /// The section's name.
    public func name(of section: SectionHeader) -> [UInt8]? {
        guard let index = sectionNameTableIndex else { return nil }
        return string(inSection: index, at: section.nameOffset)
    }

    /// The first section called `name`.
    public func section(named name: String) -> SectionHeader? {
        let wanted = Array(name.utf8)
        return sectionHeaders.first { self.name(of: $0) == wanted }
    }

    /// `PT_INTERP`: the dynamic loader a dynamically linked program asks for.
    public var interpreter: [UInt8]? {
        guard let ph = programHeaders.first(where: { $0.type == .interpreter }),
            let data = contents(offset: ph.offset, size: ph.fileSize)
        else { return nil }
        return Self.cString(in: data, at: 0) ?? Array(data)
    }

    /// A static-pie or shared object: linked to run at any base address.
    public var isPositionIndependent: Bool { type == .sharedObject }

    static func machineName(_ machine: UInt16) -> String {
        switch machine {
        case 3: "i386"
        case 40: "32-bit ARM"
        case 183: "aarch64"
        case 243: "RISC-V"
        case 8: "MIPS"
        case 20, 21: "PowerPC"
        case 22: "s390"
        default: "machine type \(machine)"
        }
    }
}
