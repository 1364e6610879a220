import Testing

@testable import Memory

@Suite struct AddressSpaceLayoutTests {
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func randomizedLayoutsStayInBoundsAndApart() {
        var generator = Generator(state: 1)
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
