/// How page-table code reaches table frames: the kernel through its direct map, host tests
/// through a fake physical memory.
public protocol PageTableMemory {
    /// The 512 entries of the table frame at `physical`.
    func entries(at physical: UInt64) -> UnsafeMutablePointer<UInt64>
    /// A zeroed 4 KiB frame for a new table, or nil when memory is exhausted.
    mutating func allocateTableFrame() -> UInt64?
    mutating func freeTableFrame(_ physical: UInt64)
}

/// Errors from mapping operations; the syscall layer turns `.outOfMemory` into ENOMEM.
public enum PagingError: Error, Equatable {
    case outOfMemory
    case misaligned
    case nonCanonical
    /// Something is already mapped there (and replacing was not asked for).
    case alreadyMapped
}

/// A translation: where a virtual address leads.
public struct Mapping: Equatable {
    public var physical: UInt64
    public var flags: PageFlags
    public var size: PageSize
    public var dirty: Bool
    public var accessed: Bool
}

/// A four-level x86-64 page-table tree.
///
/// The tree only changes through these operations, so a large page is split into small ones when
/// part of it is unmapped or re-protected, and an emptied table is freed. The caller flushes TLBs:
/// every operation that removes or weakens a mapping returns what it changed.
public struct PageTables<Memory: PageTableMemory> {
    public private(set) var root: UInt64
    public var memory: Memory
    /// Set EFER.NXE-dependent no-execute bits only where the CPU supports them.
    public var noExecuteSupported: Bool

    public init(memory: Memory, noExecuteSupported: Bool = true) throws(PagingError) {
        var m = memory
        guard let root = m.allocateTableFrame() else { throw .outOfMemory }
        self.root = root
        self.memory = m
        self.noExecuteSupported = noExecuteSupported
    }

    /// Wraps an existing tree.
    public init(root: UInt64, memory: Memory, noExecuteSupported: Bool = true) {
        self.root = root
        self.memory = memory
        self.noExecuteSupported = noExecuteSupported
    }

    static func index(_ va: UInt64, level: Int) -> Int {
        Int((va >> (12 + 9 * UInt64(level - 1))) & 0x1FF)
    }

    public static func isCanonical(_ va: UInt64) -> Bool {
        let top = va >> 47
        return top == 0 || top == 0x1FFFF
    }

    /// Maps `virtual` to `physical`. With `replace`, an existing mapping is overwritten (and a
    /// large page around a small mapping is split); without it, `.alreadyMapped` is thrown.
    public mutating func map(
        _ virtual: UInt64, to physical: UInt64, size: PageSize = .small, flags: PageFlags, replace: Bool = false
    ) throws(PagingError) {
        guard Self.isCanonical(virtual) else { throw .nonCanonical }
        guard virtual % size.bytes == 0, physical % size.bytes == 0 else { throw .misaligned }
        var table = root
        var level = 4
        while level > size.level {
            let entries = memory.entries(at: table)
            let i = Self.index(virtual, level: level)
            var entry = PageTableEntry(rawValue: entries[i])
            if !entry.isPresent {
                guard let frame = memory.allocateTableFrame() else { throw .outOfMemory }
                entry = .table(frame)
                entries[i] = entry.rawValue
            } else if entry.isLargeLeaf {
                guard replace else { throw .alreadyMapped }
                try split(entries: entries, index: i, level: level)
                entry = PageTableEntry(rawValue: entries[i])
            }
            table = entry.physicalAddress
            level -= 1
        }
        let entries = memory.entries(at: table)
        let i = Self.index(virtual, level: level)
        let existing = PageTableEntry(rawValue: entries[i])
        if existing.isPresent {
            guard replace else { throw .alreadyMapped }
            if level > 1 && !existing.isLargeLeaf {
                // A table below where the new large leaf goes: drop it.
                freeSubtree(existing.physicalAddress, level: level - 1)
            }
        }
        entries[i] = PageTableEntry.leaf(physical, flags: flags, large: size != .small, noExecuteSupported: noExecuteSupported).rawValue
    }

    /// Maps a range with the largest pages alignment allows.
    public mutating func mapRange(
        _ virtual: UInt64, to physical: UInt64, length: UInt64, flags: PageFlags, allowLarge: Bool = true,
        replace: Bool = false
    ) throws(PagingError) {
        var offset: UInt64 = 0
        while offset < length {
            let va = virtual &+ offset
            let pa = physical &+ offset
            let remaining = length - offset
            var size = PageSize.small
            if allowLarge && va % PageSize.large.bytes == 0 && pa % PageSize.large.bytes == 0 && remaining >= PageSize.large.bytes {
                size = .large
            }
            try map(va, to: pa, size: size, flags: flags, replace: replace)
            offset += size.bytes
        }
    }

    /// The leaf entry for `virtual`, if mapped.
    public func translate(_ virtual: UInt64) -> Mapping? {
        guard Self.isCanonical(virtual) else { return nil }
        var table = root
        var level = 4
        while level >= 1 {
            let entry = PageTableEntry(rawValue: memory.entries(at: table)[Self.index(virtual, level: level)])
            guard entry.isPresent else { return nil }
            if level == 1 || (entry.isLargeLeaf && level <= 3) {
                let size: PageSize = level == 1 ? .small : level == 2 ? .large : .huge
                let offset = virtual & (size.bytes - 1)
                return Mapping(
                    physical: entry.physicalAddress &+ offset, flags: entry.flags, size: size, dirty: entry.isDirty,
                    accessed: entry.isAccessed)
            }
            table = entry.physicalAddress
            level -= 1
        }
        return nil
    }

    /// Removes the mapping of the small page at `virtual` (splitting a large page if needed) and
    /// returns what was there. Tables left empty are freed.
    @discardableResult
    public mutating func unmap(_ virtual: UInt64) throws(PagingError) -> Mapping? {
        guard Self.isCanonical(virtual) else { throw .nonCanonical }
        guard let leaf = try leafSlot(virtual, splitTo: 1, create: false) else { return nil }
        let entry = PageTableEntry(rawValue: leaf.entries[leaf.index])
        guard entry.isPresent else { return nil }
        leaf.entries[leaf.index] = 0
        pruneEmptyTables(virtual)
        return Mapping(physical: entry.physicalAddress, flags: entry.flags, size: .small, dirty: entry.isDirty, accessed: entry.isAccessed)
    }

    /// Unmaps every page in `[start, end)` (page-aligned), calling `removed` for each mapping
    /// taken out, and frees tables left empty. Absent subtrees are skipped whole, so unmapping
    /// a large reserved but untouched range costs little.
    public mutating func unmapRange(
        _ start: UInt64, _ end: UInt64, removed: (UInt64, Mapping) -> Void
    ) throws(PagingError) {
        guard start % 4096 == 0, end % 4096 == 0 else { throw .misaligned }
        var va = start
        while va < end {
            // Find the level at which `va` is absent, to skip that whole span.
            var table = root
            var level = 4
            var skip: UInt64 = 0
            while level >= 1 {
                let entry = PageTableEntry(rawValue: memory.entries(at: table)[Self.index(va, level: level)])
                if !entry.isPresent {
                    skip = 1 << (12 + 9 * UInt64(level - 1))
                    break
                }
                if level == 1 || entry.isLargeLeaf { break }
                table = entry.physicalAddress
                level -= 1
            }
            if skip != 0 {
                va = (va & ~(skip - 1)) &+ skip
                if va == 0 { break }  // wrapped
                continue
            }
            if let m = try unmap(va) { removed(va, m) }
            va += 4096
        }
    }

    /// Changes the flags of the small page at `virtual`; false when it is not mapped.
    public mutating func protect(_ virtual: UInt64, flags: PageFlags) throws(PagingError) -> Bool {
        guard let leaf = try leafSlot(virtual, splitTo: 1, create: false) else { return false }
        let entry = PageTableEntry(rawValue: leaf.entries[leaf.index])
        guard entry.isPresent else { return false }
        leaf.entries[leaf.index] =
            PageTableEntry.leaf(entry.physicalAddress, flags: flags, large: false, noExecuteSupported: noExecuteSupported).rawValue
        return true
    }

    /// Frees every table frame of the tree below the given PML4 slots (leaves' frames are the
    /// caller's). Used when an address space goes away.
    public mutating func freeUserTables(pml4Slots: Range<Int>) {
        let entries = memory.entries(at: root)
        for i in pml4Slots {
            let e = PageTableEntry(rawValue: entries[i])
            if e.isPresent {
                freeSubtree(e.physicalAddress, level: 3)
                entries[i] = 0
            }
        }
    }

    // MARK: - Internals

    /// The table and index holding the level-`splitTo` entry for `virtual`, splitting large
    /// leaves on the way. Nil when an intermediate table is missing and `create` is false.
    private mutating func leafSlot(
        _ virtual: UInt64, splitTo targetLevel: Int, create: Bool
    ) throws(PagingError) -> (entries: UnsafeMutablePointer<UInt64>, index: Int)? {
        var table = root
        var level = 4
        while level > targetLevel {
            let entries = memory.entries(at: table)
            let i = Self.index(virtual, level: level)
            var entry = PageTableEntry(rawValue: entries[i])
            if !entry.isPresent {
                guard create, let frame = memory.allocateTableFrame() else { return nil }
                entry = .table(frame)
                entries[i] = entry.rawValue
            } else if entry.isLargeLeaf {
                try split(entries: entries, index: i, level: level)
                entry = PageTableEntry(rawValue: entries[i])
            }
            table = entry.physicalAddress
            level -= 1
        }
        return (memory.entries(at: table), Self.index(virtual, level: level))
    }

    /// Replaces the large leaf at `entries[index]` (on `level`) by a table of 512 smaller leaves
    /// with the same flags.
    private mutating func split(entries: UnsafeMutablePointer<UInt64>, index: Int, level: Int) throws(PagingError) {
        let large = PageTableEntry(rawValue: entries[index])
        guard let frame = memory.allocateTableFrame() else { throw .outOfMemory }
        let child = memory.entries(at: frame)
        let step: UInt64 = level == 3 ? PageSize.large.bytes : PageSize.small.bytes
        let childIsLarge = level == 3
        for i in 0..<512 {
            var e = PageTableEntry.leaf(
                large.physicalAddress &+ UInt64(i) &* step, flags: large.flags, large: childIsLarge,
                noExecuteSupported: noExecuteSupported)
            // Keep accessed/dirty so the split loses no information.
            e.rawValue |= large.rawValue & (PageTableEntry.accessed | PageTableEntry.dirty)
            child[i] = e.rawValue
        }
        entries[index] = PageTableEntry.table(frame).rawValue
    }

    private mutating func freeSubtree(_ table: UInt64, level: Int) {
        if level > 1 {
            let entries = memory.entries(at: table)
            for i in 0..<512 {
                let e = PageTableEntry(rawValue: entries[i])
                if e.isPresent && !e.isLargeLeaf { freeSubtree(e.physicalAddress, level: level - 1) }
            }
        }
        memory.freeTableFrame(table)
    }

    /// Frees the tables on the path to `virtual` that no longer map anything — page tables and
    /// page directories, but never a top-level (PDPT) table: PML4 entries stay once made, because
    /// other page-table roots may share them (the kernel's half of every address space).
    private mutating func pruneEmptyTables(_ virtual: UInt64) {
        var path: [(UnsafeMutablePointer<UInt64>, Int, UInt64)] = []  // parent entries, index, child frame
        var table = root
        var level = 4
        while level > 1 {
            let entries = memory.entries(at: table)
            let i = Self.index(virtual, level: level)
            let e = PageTableEntry(rawValue: entries[i])
            guard e.isPresent, !e.isLargeLeaf else { break }
            path.append((entries, i, e.physicalAddress))
            table = e.physicalAddress
            level -= 1
        }
        while let (parent, index, child) = path.popLast() {
            if path.isEmpty { return }  // `child` is a PDPT: keep it
            let entries = memory.entries(at: child)
            var empty = true
            for i in 0..<512 where entries[i] != 0 {
                empty = false
                break
            }
            guard empty else { return }
            parent[index] = 0
            memory.freeTableFrame(child)
        }
    }
}
