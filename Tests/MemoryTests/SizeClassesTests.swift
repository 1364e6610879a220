import Testing
@testable import Memory

@Suite struct SizeClassesTests {
    @Test func classesAreIncreasingMultiplesOf16() {
        var previous = 0
        for i in 0..<SizeClasses.count {
            let size = SizeClasses.size(at: i)
            #expect(size > previous && size % 16 == 0)
            previous = size
        }
        #expect(SizeClasses.largestSize == 2016)
        #expect(SlabHeap(pages: HostPageSource()).classes.count == SizeClasses.count)
    }

    @Test func slabsAreWellUsed() {
        for i in 0..<SizeClasses.count {
            let n = SizeClasses.objectsPerSlab(at: i)
            #expect(n >= 2 && n <= 256)
            // At most one object's worth of space is left over in any slab.
            let leftover = Page.size - SizeClasses.headerBytes - n * SizeClasses.size(at: i)
            #expect(leftover >= 0 && leftover < SizeClasses.size(at: i))
            #expect(SizeClasses.firstOffset(at: i) >= SizeClasses.headerBytes)
            #expect(SizeClasses.firstOffset(at: i) % SizeClasses.alignment(at: i) == 0)
        }
        #expect(SizeClasses.objectsPerSlab(at: SizeClasses.count - 1) == 2)
    }

    @Test func lookupPicksTheSmallestFittingClass() {
        #expect(SizeClasses.index(byteCount: 1, alignment: 16) == 0)
        #expect(SizeClasses.index(byteCount: 17, alignment: 16) == 1)
        #expect(SizeClasses.index(byteCount: 33, alignment: 16) == 2)
        #expect(SizeClasses.index(byteCount: 33, alignment: 64) == 3)
        #expect(SizeClasses.index(byteCount: 100, alignment: 16) == 6)
        #expect(SizeClasses.index(byteCount: 100, alignment: 128) == 7)
        #expect(SizeClasses.index(byteCount: 100, alignment: 256) == 11)
        #expect(SizeClasses.index(byteCount: 2016, alignment: 16) == 21)
        #expect(SizeClasses.index(byteCount: 2017, alignment: 16) == nil)
        #expect(SizeClasses.index(byteCount: 600, alignment: 1024) == nil)
    }
}
