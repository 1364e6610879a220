import Testing

@testable import Memory

@Suite struct AddressSpaceLayoutTests {
    @Test func randomizedLayoutsStayInBoundsAndApart() {
        var generator = SplitMix64(seed: 1)
        var executableBases = Set<UInt64>()
        var stackTops = Set<UInt64>()
        for _ in 0..<2000 {
            let l = AddressSpaceLayout.randomized { generator.next() }
            for address in [l.executableBase, l.stackTop, l.mmapTop, l.heapGap] { #expect(address % 4096 == 0) }
            let stackBottom = l.stackTop - AddressSpaceLayout.stackReservation
            #expect(l.mmapTop + AddressSpaceLayout.stackGuardGap <= stackBottom)
            // A PIE up to 64 GiB plus its heap ends below the mmap area.
            #expect(l.executableBase + (64 << 30) + l.heapGap < l.mmapTop - (1 << 40))
            #expect(l.stackTop <= AddressSpaceLayout.fixedStackTop)
            #expect(l.heapGap < 32 << 20)
            executableBases.insert(l.executableBase)
            stackTops.insert(l.stackTop)
        }
        // 28 and 22 bits: 2000 draws practically never collide.
        #expect(executableBases.count > 1990)
        #expect(stackTops.count > 1990)
    }

    @Test func extremesOfTheRandomRangeStayApart() {
        let lowest = AddressSpaceLayout.randomized { 0 }
        let highest = AddressSpaceLayout.randomized { UInt64.max }
        #expect(lowest.executableBase == AddressSpaceLayout.fixedExecutableBase)
        #expect(lowest.stackTop == AddressSpaceLayout.fixedStackTop)
        #expect(highest.mmapTop + AddressSpaceLayout.stackGuardGap <= highest.stackTop - AddressSpaceLayout.stackReservation)
        #expect(highest.executableBase - lowest.executableBase == ((1 << 28) - 1) * 4096)
        #expect(AddressSpaceLayout.fixed.heapGap == 0)
    }
}
