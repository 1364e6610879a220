import Testing
@testable import Memory

let page: UInt64 = 4096
let rw = AreaAttributes(protection: [.read, .write], kind: .anonymous)
let ro = AreaAttributes(protection: .read, kind: .anonymous)

func file(_ id: UInt64, at offset: UInt64, _ protection: MemoryProtection = .read) -> AreaAttributes {
    AreaAttributes(protection: protection, kind: .privateFile, file: id, fileOffset: offset)
}

/// The areas as (start page, end page) pairs, for compact expectations.
func spans(_ map: AddressSpaceMap) -> [[UInt64]] {
    map.areas.map { [$0.start / page, $0.end / page] }
}

@Suite struct AddressSpaceMapTests {
    static func makeMap() -> AddressSpaceMap { AddressSpaceMap(minAddress: 16 * page, maxAddress: 1024 * page)! }

    @Test func rejectsBadBounds() {
        #expect(AddressSpaceMap(minAddress: 1, maxAddress: page) == nil)
        #expect(AddressSpaceMap(minAddress: page, maxAddress: page) == nil)
    }

    @Test func fixedMappingsMergeWhenCompatible() throws {
        var map = Self.makeMap()
        try map.map(at: 100 * page, size: 4 * page, attributes: rw)
        try map.map(at: 104 * page, size: 2 * page, attributes: rw)
        #expect(spans(map) == [[100, 106]])
        try map.map(at: 98 * page, size: 2 * page, attributes: ro)
        #expect(spans(map) == [[98, 100], [100, 106]])
        #expect(map.area(containing: 99 * page + 5)?.attributes == ro)
        #expect(map.area(containing: 106 * page) == nil)
        #expect(map.area(containing: 97 * page) == nil)
    }

    @Test func fixedMappingReplacesAndReportsWhatWasThere() throws {
        var map = Self.makeMap()
        try map.map(at: 100 * page, size: 10 * page, attributes: rw)
        let replaced = try map.map(at: 104 * page, size: 2 * page, attributes: ro)
        #expect(replaced == [MemoryArea(start: 104 * page, end: 106 * page, attributes: rw)])
        #expect(spans(map) == [[100, 104], [104, 106], [106, 110]])
        // Mapping rw back over the hole re-forms one area.
        try map.map(at: 104 * page, size: 2 * page, attributes: rw)
        #expect(spans(map) == [[100, 110]])
    }

    @Test func unmapSplitsAndToleratesHoles() throws {
        var map = Self.makeMap()
        try map.map(at: 100 * page, size: 10 * page, attributes: rw)
        try map.map(at: 120 * page, size: 10 * page, attributes: ro)
        let removed = try map.unmap(start: 105 * page, size: 20 * page)
        #expect(removed.map { [$0.start / page, $0.end / page] } == [[105, 110], [120, 125]])
        #expect(spans(map) == [[100, 105], [125, 130]])
        #expect(try map.unmap(start: 200 * page, size: page).isEmpty)
    }

    @Test func protectSplitsThenMergesBack() throws {
        var map = Self.makeMap()
        try map.map(at: 100 * page, size: 10 * page, attributes: rw)
        try map.protect(start: 103 * page, size: 2 * page, protection: .read)
        #expect(spans(map) == [[100, 103], [103, 105], [105, 110]])
        #expect(map.area(containing: 104 * page)?.attributes.protection == .read)
        try map.protect(start: 103 * page, size: 2 * page, protection: [.read, .write])
        #expect(spans(map) == [[100, 110]])
    }

    @Test func protectRequiresAMappedRange() throws {
        var map = Self.makeMap()
        try map.map(at: 100 * page, size: 2 * page, attributes: rw)
        try map.map(at: 103 * page, size: 2 * page, attributes: rw)
        #expect(throws: AddressSpaceError.notMapped) {
            try map.protect(start: 100 * page, size: 5 * page, protection: .read)
        }
        #expect(spans(map) == [[100, 102], [103, 105]])
        #expect(map.areas.allSatisfy { $0.attributes == rw })
    }

    @Test func fileAreasMergeOnlyWhenOffsetsContinue() throws {
        var map = Self.makeMap()
        try map.map(at: 100 * page, size: 2 * page, attributes: file(7, at: 0))
        try map.map(at: 102 * page, size: 2 * page, attributes: file(7, at: 2 * page))
        #expect(spans(map) == [[100, 104]])
        try map.map(at: 104 * page, size: 2 * page, attributes: file(7, at: 0))
        try map.map(at: 106 * page, size: 2 * page, attributes: file(8, at: 6 * page))
        #expect(spans(map) == [[100, 104], [104, 106], [106, 108]])
        // Splitting keeps each piece's offset.
        try map.protect(start: 101 * page, size: page, protection: [.read, .write])
        #expect(map.areas[1].attributes == file(7, at: page, [.read, .write]))
        #expect(map.areas[2].attributes == file(7, at: 2 * page))
    }

    @Test func anonymousAttributesIgnoreFileFields() {
        let a = AreaAttributes(protection: .read, kind: .anonymous, file: 9, fileOffset: 4096)
        #expect(a == ro)
        #expect(a.advanced(by: page) == ro)
    }

    @Test func findFreeRangeSearchesTopDown() throws {
        var map = Self.makeMap()
        #expect(map.findFreeRange(size: 4 * page) == 1020 * page)
        try map.map(at: 1000 * page, size: 24 * page, attributes: rw)
        try map.map(at: 990 * page, size: 8 * page, attributes: ro)
        // The 2-page hole between 998 and 1000 fits 2 pages but not 3.
        #expect(map.findFreeRange(size: 2 * page) == 998 * page)
        #expect(map.findFreeRange(size: 3 * page) == 987 * page)
        #expect(map.findFreeRange(size: 3 * page, alignment: 8 * page) == 984 * page)
        #expect(map.findFreeRange(size: 2 * page, below: 995 * page) == 988 * page)
        #expect(map.findFreeRange(size: 974 * page) == 16 * page)
        #expect(map.findFreeRange(size: 975 * page) == nil)
        #expect(map.findFreeRange(size: 3 * page, alignment: 3 * page) == nil)
        #expect(map.findFreeRange(size: 0) == nil)
    }

    @Test func mapAnywhereUsesHintThenTopDown() throws {
        var map = Self.makeMap()
        let a = try map.map(size: 4 * page, attributes: rw, hint: 200 * page)
        #expect(a == 200 * page)
        let b = try map.map(size: 4 * page, attributes: rw, hint: 202 * page)
        #expect(b == 1020 * page)
        let c = try map.map(size: 256 * page, alignment: 256 * page, attributes: ro)
        #expect(c == 512 * page)
        #expect(throws: AddressSpaceError.noSpace) { try map.map(size: 600 * page, attributes: rw) }
        #expect(throws: AddressSpaceError.misaligned) { try map.map(size: 100, attributes: rw) }
    }

    @Test func argumentsAreValidated() throws {
        var map = Self.makeMap()
        #expect(throws: AddressSpaceError.misaligned) { try map.map(at: 100 * page + 1, size: page, attributes: rw) }
        #expect(throws: AddressSpaceError.misaligned) { try map.unmap(start: 100 * page, size: 10) }
        #expect(throws: AddressSpaceError.invalidSize) { try map.map(at: 100 * page, size: 0, attributes: rw) }
        #expect(throws: AddressSpaceError.invalidSize) { try map.unmap(start: 100 * page, size: UInt64.max - 4095) }
        #expect(throws: AddressSpaceError.outOfRange) { try map.map(at: 0, size: page, attributes: rw) }
        #expect(throws: AddressSpaceError.outOfRange) { try map.map(at: 1023 * page, size: 2 * page, attributes: rw) }
        #expect(map.areas.isEmpty)
    }

    @Test func remapShrinksGrowsAndMoves() throws {
        var map = Self.makeMap()
        try map.map(at: 100 * page, size: 4 * page, attributes: file(3, at: 10 * page))
        // Shrink.
        #expect(try map.remap(start: 100 * page, oldSize: 4 * page, newSize: 2 * page, mayMove: false) == 100 * page)
        #expect(spans(map) == [[100, 102]])
        // Grow in place: the new pages continue the file.
        #expect(try map.remap(start: 100 * page, oldSize: 2 * page, newSize: 6 * page, mayMove: false) == 100 * page)
        #expect(spans(map) == [[100, 106]])
        #expect(map.areas[0].attributes == file(3, at: 10 * page))
        // Blocked: fails without MREMAP_MAYMOVE, moves with it.
        try map.map(at: 106 * page, size: page, attributes: rw)
        #expect(throws: AddressSpaceError.noSpace) {
            try map.remap(start: 100 * page, oldSize: 6 * page, newSize: 8 * page, mayMove: false)
        }
        // Moving part of an area takes that part's file offset along.
        let moved = try map.remap(start: 102 * page, oldSize: 4 * page, newSize: 8 * page, mayMove: true)
        #expect(moved == 1016 * page)
        #expect(spans(map) == [[100, 102], [106, 107], [1016, 1024]])
        #expect(map.areas[2].attributes == file(3, at: 12 * page))
        #expect(throws: AddressSpaceError.notMapped) {
            try map.remap(start: 101 * page, oldSize: 2 * page, newSize: 3 * page, mayMove: true)
        }
    }

    @Test func remapToAFixedDestinationReplacesWhatIsThere() throws {
        var map = Self.makeMap()
        try map.map(at: 100 * page, size: 4 * page, attributes: file(3, at: 10 * page))
        try map.map(at: 200 * page, size: 8 * page, attributes: rw)
        // Moves (even shrinking), replacing the middle of the area at the destination.
        #expect(try map.remap(start: 101 * page, oldSize: 2 * page, newSize: 3 * page, mayMove: true, destination: 202 * page) == 202 * page)
        #expect(spans(map) == [[100, 101], [103, 104], [200, 202], [202, 205], [205, 208]])
        #expect(map.area(containing: 202 * page)?.attributes == file(3, at: 11 * page))
        #expect(try map.remap(start: 202 * page, oldSize: 3 * page, newSize: page, mayMove: true, destination: 300 * page) == 300 * page)
        #expect(map.area(containing: 203 * page) == nil)
        // The destination may not overlap the source, and must be aligned and in range.
        #expect(throws: AddressSpaceError.overlapping) {
            try map.remap(start: 200 * page, oldSize: 2 * page, newSize: 2 * page, mayMove: true, destination: 201 * page)
        }
        #expect(throws: AddressSpaceError.misaligned) {
            try map.remap(start: 200 * page, oldSize: 2 * page, newSize: 2 * page, mayMove: true, destination: 400 * page + 1)
        }
        #expect(throws: AddressSpaceError.outOfRange) {
            try map.remap(start: 200 * page, oldSize: 2 * page, newSize: 2 * page, mayMove: true, destination: 1023 * page)
        }
        #expect(spans(map) == [[100, 101], [103, 104], [200, 202], [205, 208], [300, 301]])
    }

    @Test func brkHeapGrowsAndShrinks() throws {
        var map = Self.makeMap()
        let heap = AreaAttributes(protection: [.read, .write], kind: .heap)
        try map.map(at: 64 * page, size: page, attributes: heap)
        #expect(try map.remap(start: 64 * page, oldSize: page, newSize: 10 * page, mayMove: false) == 64 * page)
        #expect(map.area(containing: 73 * page)?.attributes.kind == .heap)
        #expect(try map.remap(start: 64 * page, oldSize: 10 * page, newSize: 3 * page, mayMove: false) == 64 * page)
        #expect(spans(map) == [[64, 67]])
        // A heap does not merge with an anonymous mapping next to it.
        try map.map(at: 67 * page, size: page, attributes: rw)
        #expect(spans(map) == [[64, 67], [67, 68]])
    }

    @Test func queriesOverRanges() throws {
        var map = Self.makeMap()
        try map.map(at: 100 * page, size: 4 * page, attributes: rw)
        try map.map(at: 106 * page, size: 4 * page, attributes: ro)
        #expect(map.isMapped(start: 100 * page, size: 4 * page))
        #expect(!map.isMapped(start: 100 * page, size: 7 * page))
        #expect(map.isFree(start: 104 * page, size: 2 * page))
        #expect(!map.isFree(start: 104 * page, size: 3 * page))
        #expect(!map.isFree(start: 8 * page, size: page))
        let pieces = map.areas(overlapping: 102 * page, size: 6 * page)
        #expect(pieces.map { [$0.start / page, $0.end / page] } == [[102, 104], [106, 108]])
    }
}

@Suite struct KernelSharedAreaTests {
    /// A vDSO area punched in the middle keeps, in its second half, the offset into the
    /// kernel's pages that its page faults map from.
    @Test func splitKeepsTheOffsetIntoTheKernelPages() throws {
        var map = AddressSpaceMapTests.makeMap()
        let vdso = AreaAttributes(protection: [.read, .execute], kind: .vdso, file: 7, fileOffset: 0)
        #expect(vdso.file == 0)
        try map.map(at: 200 * page, size: 4 * page, attributes: vdso)
        try map.unmap(start: 201 * page, size: page)
        #expect(spans(map) == [[200, 201], [202, 204]])
        #expect(map.area(containing: 202 * page)?.attributes.fileOffset == 2 * page)
    }

    @Test func anonymousKindsDropOffsets() {
        #expect(AreaAttributes(protection: .read, kind: .anonymous, fileOffset: 8192).fileOffset == 0)
        #expect(AreaAttributes(protection: .read, kind: .vvar, fileOffset: 8192).fileOffset == 8192)
        #expect(MemoryAreaKind.vvar.isKernelShared && !MemoryAreaKind.vvar.isFileBacked)
    }
}
