import Testing
@testable import Memory

/// Page-table frames in host memory, addressed by fake physical addresses.
final class FakeFrames {
    var frames: [UInt64: UnsafeMutablePointer<UInt64>] = [:]
    var next: UInt64 = 0x100_0000
    var limit: Int = .max
    var freed = 0

    deinit { for p in frames.values { p.deallocate() } }
}

struct FakeTableMemory: PageTableMemory {
    let store: FakeFrames

    func entries(at physical: UInt64) -> UnsafeMutablePointer<UInt64> { store.frames[physical]! }

    mutating func allocateTableFrame() -> UInt64? {
        guard store.frames.count < store.limit else { return nil }
        let p = UnsafeMutablePointer<UInt64>.allocate(capacity: 512)
        p.initialize(repeating: 0, count: 512)
        let address = store.next
        store.next += 4096
        store.frames[address] = p
        return address
    }

    mutating func freeTableFrame(_ physical: UInt64) {
        store.frames.removeValue(forKey: physical)!.deallocate()
        store.freed += 1
    }
}

@Suite struct PageTablesTests {
    func make(limit: Int = .max) throws -> (PageTables<FakeTableMemory>, FakeFrames) {
        let store = FakeFrames()
        store.limit = limit
        return (try PageTables(memory: FakeTableMemory(store: store)), store)
    }

    @Test func mapAndTranslateSmallPages() throws {
        var (pt, store) = try make()
        try pt.map(0x40_1000, to: 0x20_0000, flags: [.user, .executable])
        try pt.map(0x40_2000, to: 0x30_0000, flags: [.user, .writable])
        #expect(store.frames.count == 4)  // PML4, PDPT, PD, PT
        let m = try #require(pt.translate(0x40_1234))
        #expect(m.physical == 0x20_0234 && m.size == .small && m.flags == [.user, .executable])
        #expect(pt.translate(0x40_2FFF)?.flags == [.user, .writable])
        #expect(pt.translate(0x40_3000) == nil)
        #expect(pt.translate(0x8000_0000_0000) == nil)  // non-canonical
    }

    @Test func entryEncoding() {
        let e = PageTableEntry.leaf(0x1234_5000, flags: [.writable], large: false)
        #expect(e.rawValue == 0x8000_0000_1234_5003)
        #expect(PageTableEntry.leaf(0x20_0000, flags: [.executable, .global], large: true).rawValue == 0x20_0181)
        #expect(PageTableEntry.leaf(0x1000, flags: [.uncached], large: false).rawValue == 0x8000_0000_0000_1019)
        #expect(PageTableEntry.leaf(0x1000, flags: [], large: false, noExecuteSupported: false).flags == [.executable])
    }

    @Test func refusesToMapTwiceUnlessReplacing() throws {
        var (pt, _) = try make()
        try pt.map(0x1000, to: 0x5000, flags: [])
        #expect(throws: PagingError.alreadyMapped) { try pt.map(0x1000, to: 0x6000, flags: []) }
        try pt.map(0x1000, to: 0x6000, flags: [.writable], replace: true)
        #expect(pt.translate(0x1000)?.physical == 0x6000)
    }

    @Test func rejectsMisalignedAndNonCanonical() throws {
        var (pt, _) = try make()
        #expect(throws: PagingError.misaligned) { try pt.map(0x1001, to: 0x5000, flags: []) }
        #expect(throws: PagingError.misaligned) { try pt.map(0x20_0000, to: 0x1000, size: .large, flags: []) }
        #expect(throws: PagingError.nonCanonical) { try pt.map(0x0000_8000_0000_0000, to: 0, flags: []) }
    }

    @Test func unmapFreesEmptyTables() throws {
        var (pt, store) = try make()
        try pt.map(0x7F00_0000_0000, to: 0x9000, flags: [.user])
        #expect(store.frames.count == 4)
        let removed = try pt.unmap(0x7F00_0000_0000)
        #expect(removed?.physical == 0x9000)
        #expect(store.frames.count == 2)  // the root and the top-level table it points to
        #expect(try pt.unmap(0x7F00_0000_0000) == nil)
    }

    @Test func splittingALargePageKeepsTheRest() throws {
        var (pt, _) = try make()
        try pt.map(0x20_0000, to: 0x4000_0000, size: .large, flags: [.writable])
        #expect(pt.translate(0x20_5123)?.size == .large)
        _ = try pt.unmap(0x20_3000)
        #expect(pt.translate(0x20_3000) == nil)
        let rest = try #require(pt.translate(0x20_5123))
        #expect(rest.size == .small && rest.physical == 0x4000_5123 && rest.flags == [.writable])
        #expect(try pt.protect(0x20_4000, flags: [.executable]))
        #expect(pt.translate(0x20_4000)?.flags == [.executable])
        #expect(pt.translate(0x20_6000)?.flags == [.writable])
    }

    @Test func mapRangeUsesLargePagesWhereAligned() throws {
        var (pt, _) = try make()
        try pt.mapRange(0x1F_F000, to: 0x1F_F000, length: 0x40_2000, flags: [.writable])
        #expect(pt.translate(0x1F_F000)?.size == .small)
        #expect(pt.translate(0x20_0000)?.size == .large)
        #expect(pt.translate(0x40_0000)?.size == .large)
        #expect(pt.translate(0x60_0000)?.size == .small)
        #expect(pt.translate(0x60_1000) == nil)
    }

    @Test func outOfTableMemoryIsAnErrorNotACrash() throws {
        var (pt, store) = try make(limit: 2)
        #expect(throws: PagingError.outOfMemory) { try pt.map(0x1000, to: 0x5000, flags: []) }
        #expect(store.frames.count == 2)
    }

    @Test func unmapRangeSkipsAbsentTablesAndFreesThem() throws {
        var (pt, store) = try make()
        try pt.map(0x1000, to: 0xA000, flags: [.user])
        try pt.map(0x40_0000_0000, to: 0xB000, flags: [.user])
        try pt.map(0x40_0000_1000, to: 0xC000, flags: [.user])
        var seen: [(UInt64, UInt64)] = []
        try pt.unmapRange(0, 0x80_0000_0000) { va, m in seen.append((va, m.physical)) }
        #expect(seen.map { $0.0 } == [0x1000, 0x40_0000_0000, 0x40_0000_1000])
        #expect(seen.map { $0.1 } == [0xA000, 0xB000, 0xC000])
        #expect(store.frames.count == 2)
        #expect(throws: PagingError.misaligned) { try pt.unmapRange(1, 4096) { _, _ in } }
    }

    @Test func freeUserTables() throws {
        var (pt, store) = try make()
        for i in 0..<64 { try pt.map(UInt64(i) * 0x20_0000, to: 0x1000, flags: [.user]) }
        try pt.map(0x7000_0000_0000, to: 0, size: .large, flags: [.writable])
        let before = store.frames.count
        pt.freeUserTables(pml4Slots: 0..<224)
        #expect(store.frames.count < before)
        #expect(pt.translate(0) == nil)
        #expect(pt.translate(0x7000_0000_0000) != nil)
    }

    @Test func randomizedAgainstAModel() throws {
        var (pt, store) = try make()
        var model: [UInt64: (UInt64, PageFlags)] = [:]
        var state: UInt64 = 42
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let pages: [UInt64] = (0..<200).map { _ in (next() % 4096) * 4096 + (next() % 3) * 0x40_0000_0000 }
        for _ in 0..<5000 {
            let va = pages[Int(next() % UInt64(pages.count))]
            switch next() % 3 {
            case 0:
                let pa = (next() % 100_000) * 4096
                let flags = PageFlags(rawValue: UInt8(next() % 64) & 0b10_0111)
                try pt.map(va, to: pa, flags: flags, replace: true)
                model[va] = (pa, flags)
            case 1:
                let removed = try pt.unmap(va)
                #expect(removed?.physical == model[va]?.0)
                model[va] = nil
            default:
                let flags = PageFlags(rawValue: UInt8(next() % 64) & 0b10_0111)
                let changed = try pt.protect(va, flags: flags)
                #expect(changed == (model[va] != nil))
                if changed { model[va]!.1 = flags }
            }
        }
        for va in pages {
            let m = pt.translate(va)
            #expect(m?.physical == model[va]?.0)
            #expect(m?.flags == model[va]?.1)
        }
        for va in Set(pages) { _ = try pt.unmap(va) }
        #expect(store.frames.count <= 4)  // the root and at most three top-level tables
    }
}
