import Testing
@testable import Memory

/// Random mmap/munmap/mprotect/mremap sequences checked against a page-by-page model.
@Suite struct AddressSpaceMapRandomTests {
    /// Page number → the attributes of that page (file offset of the page itself).
    typealias Model = [UInt64: AreaAttributes]

    static let firstPage: UInt64 = 16
    static let endPage: UInt64 = 96

    static func expand(_ map: AddressSpaceMap) -> Model {
        var model: Model = [:]
        for area in map.areas {
            var p = area.start
            while p < area.end {
                model[p / page] = area.attributes.advanced(by: p - area.start)
                p += page
            }
        }
        return model
    }

    /// Structural invariants: sorted, in bounds, aligned, non-empty, disjoint, fully merged.
    static func invariantViolation(_ map: AddressSpaceMap) -> String? {
        for (i, a) in map.areas.enumerated() {
            guard a.start < a.end, a.start % page == 0, a.end % page == 0 else { return "area \(i) malformed" }
            guard a.start >= map.minAddress, a.end <= map.maxAddress else { return "area \(i) out of bounds" }
            if i > 0 {
                let b = map.areas[i - 1]
                guard b.end <= a.start else { return "areas \(i - 1) and \(i) overlap or are unsorted" }
                if b.end == a.start && b.attributes.canMerge(with: a.attributes, afterBytes: b.size) {
                    return "areas \(i - 1) and \(i) should have merged"
                }
            }
        }
        return nil
    }

    /// A small pool of attributes so neighbours are often compatible.
    static func randomAttributes(at startPage: UInt64, _ rng: inout SplitMix64) -> AreaAttributes {
        let protections: [MemoryProtection] = [.read, [.read, .write], [.read, .execute]]
        let protection = protections.randomElement(using: &rng)!
        switch Int.random(in: 0..<4, using: &rng) {
        case 0, 1: return AreaAttributes(protection: protection, kind: .anonymous)
        case 2:
            // Offsets that often continue a neighbour: file page = address page.
            let shift = UInt64.random(in: 0...1, using: &rng)
            return AreaAttributes(protection: protection, kind: .privateFile, file: 1, fileOffset: (startPage + shift) * page)
        default:
            return AreaAttributes(protection: protection, kind: .stack, flags: .growsDown)
        }
    }

    static func randomRange(_ rng: inout SplitMix64) -> (start: UInt64, pages: UInt64) {
        let start = UInt64.random(in: firstPage..<endPage, using: &rng)
        let pages = UInt64.random(in: 1...min(12, endPage - start), using: &rng)
        return (start, pages)
    }

    /// The model's answer to a top-down search: brute force over every aligned start.
    static func topDownFree(_ model: Model, pages: UInt64, alignmentPages: UInt64) -> UInt64? {
        guard pages <= endPage - firstPage else { return nil }
        var start = (endPage - pages) / alignmentPages * alignmentPages
        while start >= firstPage {
            if (start..<(start + pages)).allSatisfy({ model[$0] == nil }) { return start }
            if start < alignmentPages { break }
            start -= alignmentPages
        }
        return nil
    }

    /// Whether the model holds pages `start ..< end` as one area would: all mapped, each page
    /// continuing the previous one.
    static func isOneArea(_ model: Model, _ start: UInt64, _ end: UInt64) -> Bool {
        guard let first = model[start] else { return false }
        for p in start..<end where model[p] != first.advanced(by: (p - start) * page) { return false }
        return true
    }

    @Test(arguments: [41, 42, 43, 44, 45, 46, 47, 48] as [UInt64])
    func randomOperationsMatchModel(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        var map = AddressSpaceMap(minAddress: Self.firstPage * page, maxAddress: Self.endPage * page)!
        var model: Model = [:]
        for step in 0..<3000 {
            let (start, pages) = Self.randomRange(&rng)
            let end = start + pages
            switch Int.random(in: 0..<10, using: &rng) {
            case 0, 1, 2:
                let attributes = Self.randomAttributes(at: start, &rng)
                let replaced = try map.map(at: start * page, size: pages * page, attributes: attributes)
                let expectedReplaced = (start..<end).filter { model[$0] != nil }.count
                #expect(replaced.reduce(0) { $0 + $1.size } == UInt64(expectedReplaced) * page, "step \(step)")
                for p in start..<end { model[p] = attributes.advanced(by: (p - start) * page) }
            case 3, 4:
                let removed = try map.unmap(start: start * page, size: pages * page)
                for piece in removed {
                    for p in (piece.start / page)..<(piece.end / page) {
                        #expect(model[p] == piece.attributes.advanced(by: p * page - piece.start), "step \(step)")
                    }
                }
                for p in start..<end { model[p] = nil }
            case 5, 6:
                let protection: MemoryProtection = [.read, [.read, .write], []].randomElement(using: &rng)!
                let mapped = (start..<end).allSatisfy { model[$0] != nil }
                do {
                    try map.protect(start: start * page, size: pages * page, protection: protection)
                    #expect(mapped, "step \(step): protect succeeded over a hole")
                    for p in start..<end { model[p]!.protection = protection }
                } catch {
                    #expect(error == .notMapped && !mapped, "step \(step)")
                }
            case 7:
                let alignmentPages: UInt64 = [1, 2, 4, 8].randomElement(using: &rng)!
                let expected = Self.topDownFree(model, pages: pages, alignmentPages: alignmentPages)
                let found = map.findFreeRange(size: pages * page, alignment: alignmentPages * page)
                #expect(found == expected.map { $0 * page }, "step \(step)")
                if let found {
                    let attributes = Self.randomAttributes(at: found / page, &rng)
                    let at = try map.map(size: pages * page, alignment: alignmentPages * page, attributes: attributes)
                    #expect(at == found)
                    for p in (at / page)..<(at / page + pages) { model[p] = attributes.advanced(by: (p - at / page) * page) }
                }
            default:
                // mremap of a piece of an existing area.
                guard let area = map.areas.randomElement(using: &rng) else { break }
                let areaPages = area.size / page
                let offset = UInt64.random(in: 0..<areaPages, using: &rng)
                let oldPages = UInt64.random(in: 1...(areaPages - offset), using: &rng)
                let newPages = UInt64.random(in: 1...16, using: &rng)
                let mayMove = Bool.random(using: &rng)
                let oldStart = area.start / page + offset
                let oldEnd = oldStart + oldPages
                #expect(Self.isOneArea(model, oldStart, oldEnd))
                let attributes = model[oldStart]!
                let endsArea = model[oldEnd].map { $0 != attributes.advanced(by: oldPages * page) } ?? true
                let growthFree = newPages > oldPages && oldStart + newPages <= Self.endPage
                    && (oldEnd..<(oldStart + newPages)).allSatisfy { model[$0] == nil }
                var moveTarget: UInt64? = nil
                if newPages > oldPages && !(endsArea && growthFree) && mayMove {
                    moveTarget = Self.topDownFree(model, pages: newPages, alignmentPages: 1)
                }
                do {
                    let result = try map.remap(
                        start: oldStart * page, oldSize: oldPages * page, newSize: newPages * page, mayMove: mayMove)
                    if newPages <= oldPages || (endsArea && growthFree) {
                        #expect(result == oldStart * page, "step \(step)")
                        for p in (oldStart + min(oldPages, newPages))..<oldEnd { model[p] = nil }
                        for p in oldStart..<(oldStart + newPages) { model[p] = attributes.advanced(by: (p - oldStart) * page) }
                    } else {
                        #expect(result == moveTarget.map { $0 * page }, "step \(step)")
                        let newStart = result / page
                        for p in oldStart..<oldEnd { model[p] = nil }
                        for p in newStart..<(newStart + newPages) { model[p] = attributes.advanced(by: (p - newStart) * page) }
                    }
                } catch {
                    #expect(error == .noSpace, "step \(step)")
                    #expect(newPages > oldPages && !(endsArea && growthFree) && moveTarget == nil, "step \(step)")
                }
            }
            #expect(Self.invariantViolation(map) == nil, "step \(step)")
            #expect(Self.expand(map) == model, "step \(step)")
            let probe = UInt64.random(in: 0..<(Self.endPage + 4), using: &rng)
            #expect((map.area(containing: probe * page + 123) != nil) == (model[probe] != nil), "step \(step)")
            if let area = map.area(containing: probe * page + 123) {
                #expect(area.attributes.advanced(by: probe * page - area.start) == model[probe], "step \(step)")
            }
        }
    }
}
