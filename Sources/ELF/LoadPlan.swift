/// Where and how the segments of an executable or its interpreter go in memory.
///
/// Computing this is separate from mapping so the rules — page-aligned segments, file-backed
/// part then zero fill, no overlap, no wrap, protections from `p_flags` — are tested on the host
/// with real binaries.
public struct LoadPlan: Equatable {
    public struct Segment: Equatable {
        /// Page-aligned start and end of the mapping, after the load bias.
        public var start: UInt64
        public var end: UInt64
        /// The file range copied (or mapped) at `start + (fileOffset % page)`.
        public var fileOffset: UInt64
        public var fileSize: UInt64
        /// Exact address where the file bytes begin (start + fileOffset % page).
        public var dataStart: UInt64
        /// Bytes from `dataStart + fileSize` to `end` are zero (the .bss).
        public var flags: ProgramHeader.Flags
    }

    public var segments: [Segment]
    /// Added to every virtual address of the file (0 for ET_EXEC).
    public var bias: UInt64
    public var entry: UInt64
    /// Where the program headers are in memory (for AT_PHDR), if they are mapped.
    public var programHeaderAddress: UInt64?
    public var programHeaderCount: Int
    /// Lowest and highest mapped addresses (page-aligned).
    public var lowest: UInt64
    public var highest: UInt64
    /// The memory size of the TLS image, if the file has a PT_TLS.
    public var tls: ProgramHeader?

    public static let pageSize: UInt64 = 4096

    /// Plans `elf`. Position-independent files (ET_DYN) are placed at `base` (page-aligned);
    /// ET_EXEC files at their own addresses.
    public init(_ elf: ELFFile, base: UInt64) throws(ELFError) {
        let page = Self.pageSize
        guard elf.type == .executable || elf.type == .sharedObject else {
            throw ELFError("not an executable (ELF type \(elf.type))")
        }
        let loads = elf.programHeaders.filter { $0.type == .load && $0.memorySize > 0 }
        guard !loads.isEmpty else { throw ELFError("no loadable segments") }
        let firstAddress = loads.map { $0.virtualAddress }.min()! & ~(page - 1)
        bias = elf.type == .sharedObject ? (base & ~(page - 1)) &- firstAddress : 0

        var segments: [Segment] = []
        for (i, ph) in loads.enumerated() {
            guard ph.virtualAddress % page == ph.offset % page else {
                throw ELFError("segment \(i) is not page-congruent (address \(ph.virtualAddress), offset \(ph.offset))")
            }
            let (dataStart, o1) = ph.virtualAddress.addingReportingOverflow(bias)
            let (memoryEnd, o2) = dataStart.addingReportingOverflow(ph.memorySize)
            guard !o1, !o2, memoryEnd <= UInt64.max - page else { throw ELFError("segment \(i) wraps around the address space") }
            let start = dataStart & ~(page - 1)
            let end = (memoryEnd + page - 1) & ~(page - 1)
            if let previous = segments.last, start < previous.end {
                // Segments may share a page only if they are ordered and the page is the
                // boundary page; overlapping whole pages is invalid.
                guard start >= previous.start, start + page >= previous.end else {
                    throw ELFError("segments \(i - 1) and \(i) overlap")
                }
            }
            segments.append(
                Segment(
                    start: start, end: end, fileOffset: ph.offset, fileSize: ph.fileSize, dataStart: dataStart,
                    flags: ph.flags))
        }
        self.segments = segments
        lowest = segments.map { $0.start }.min()!
        highest = segments.map { $0.end }.max()!
        entry = elf.entry &+ bias
        programHeaderCount = elf.programHeaders.count
        tls = elf.programHeaders.first { $0.type == .tls }

        // AT_PHDR: PT_PHDR if present, else the load segment covering e_phoff.
        let phoff = UInt64(elf.bytes.loadUnaligned(fromByteOffset: 32, as: UInt64.self))
        if let phdr = elf.programHeaders.first(where: { $0.type == .programHeaders }) {
            programHeaderAddress = phdr.virtualAddress &+ bias
        } else if let covering = loads.first(where: { phoff >= $0.offset && phoff - $0.offset < $0.fileSize }) {
            programHeaderAddress = covering.virtualAddress &+ (phoff - covering.offset) &+ bias
        } else {
            programHeaderAddress = nil
        }
        guard segments.contains(where: { entry >= $0.start && entry < $0.end && $0.flags.contains(.execute) }) else {
            throw ELFError("the entry point is not in an executable segment")
        }
    }

    /// Total bytes of address space the image spans.
    public var span: UInt64 { highest - lowest }
}
