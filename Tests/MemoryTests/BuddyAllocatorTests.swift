import Testing
@testable import Memory

@Suite struct BuddyAllocatorTests {
    @Test func emptyAllocatorHasNothing() {
        withBuddy(firstFrame: 0, frameCount: 64) { buddy in
            #expect(buddy.totalFrames == 0)
            #expect(buddy.largestFreeOrder == nil)
            #expect(buddy.allocate(order: 0) == nil)
        }
    }

    @Test func alignedRangeIsOneBlock() throws {
        try withBuddy(firstFrame: 0, frameCount: 2048) { buddy in
            try buddy.addFreeRange(firstFrame: 1024, count: 1024)
            #expect(buddy.freeBlockCounts == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
            #expect(buddy.largestFreeOrder == 10)
            #expect(buddy.freeFrames == 1024 && buddy.totalFrames == 1024)
        }
    }

    @Test func unalignedRangeIsCutIntoAlignedBlocks() throws {
        try withBuddy(firstFrame: 0, frameCount: 64) { buddy in
            // 3 ..< 17: 3, 4-7, 8-15, 16
            try buddy.addFreeRange(firstFrame: 3, count: 14)
            #expect(buddy.freeBlockCounts == [2, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0])
            #expect(buddy.state(of: 3) == .free(order: 0))
            #expect(buddy.state(of: 4) == .free(order: 2))
            #expect(buddy.state(of: 5) == .tail)
            #expect(buddy.state(of: 8) == .free(order: 3))
            #expect(buddy.state(of: 2) == .unavailable)
            #expect(buddy.integrityViolation() == nil)
        }
    }

    @Test func adjacentRangesMerge() throws {
        try withBuddy(firstFrame: 0, frameCount: 64) { buddy in
            try buddy.addFreeRange(firstFrame: 0, count: 5)
            try buddy.addFreeRange(firstFrame: 5, count: 11)
            #expect(buddy.freeBlockCounts == [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0])
        }
    }

    @Test func blocksAreAlignedInPhysicalFrameNumbers() throws {
        // The table starts at an odd frame; blocks must still be aligned to absolute frames so
        // an order-9 block is a mappable 2 MiB page.
        try withBuddy(firstFrame: 777, frameCount: 4000) { buddy in
            try buddy.addFreeRange(firstFrame: 777, count: 4000)
            let huge = try unwrap(buddy.allocate(order: 9))
            #expect(huge % 512 == 0)
            #expect(huge >= 777 && huge + 512 <= 4777)
            #expect(buddy.integrityViolation() == nil)
        }
    }

    @Test func addFreeRangeRejectsOverlapAndOutOfRange() throws {
        try withBuddy(firstFrame: 10, frameCount: 20) { buddy in
            try buddy.addFreeRange(firstFrame: 10, count: 5)
            #expect(throws: FrameError.overlapsManagedFrames) { try buddy.addFreeRange(firstFrame: 14, count: 3) }
            #expect(throws: FrameError.outOfRange) { try buddy.addFreeRange(firstFrame: 9, count: 1) }
            #expect(throws: FrameError.outOfRange) { try buddy.addFreeRange(firstFrame: 25, count: 6) }
            #expect(buddy.totalFrames == 5)
            #expect(buddy.integrityViolation() == nil)
        }
    }

    @Test func splitAndCoalesce() throws {
        try withBuddy(firstFrame: 0, frameCount: 16) { buddy in
            try buddy.addFreeRange(firstFrame: 0, count: 16)
            let a = try unwrap(buddy.allocate(order: 0))
            #expect(a == 0)
            #expect(buddy.freeBlockCounts == [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0])
            let b = try unwrap(buddy.allocate(order: 2))
            #expect(b == 4)
            #expect(buddy.state(of: b) == .allocated(order: 2))
            try buddy.free(frame: a, order: 0)
            try buddy.free(frame: b, order: 2)
            #expect(buddy.freeBlockCounts == [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0])
            #expect(buddy.integrityViolation() == nil)
        }
    }

    @Test func badFreesAreDetectedAndChangeNothing() throws {
        try withBuddy(firstFrame: 0, frameCount: 32) { buddy in
            try buddy.addFreeRange(firstFrame: 0, count: 16)
            let block = try unwrap(buddy.allocate(order: 2))
            let other = try unwrap(buddy.allocate(order: 0))
            let counts = buddy.freeBlockCounts
            #expect(throws: FrameError.wrongOrder(allocated: 2)) { try buddy.free(frame: block, order: 1) }
            #expect(throws: FrameError.notAllocated) { try buddy.free(frame: block + 1, order: 0) }
            #expect(throws: FrameError.notAllocated) { try buddy.free(frame: 20, order: 0) }
            #expect(throws: FrameError.outOfRange) { try buddy.free(frame: 40, order: 0) }
            #expect(throws: FrameError.invalidOrder) { try buddy.free(frame: block, order: 11) }
            #expect(throws: FrameError.alreadyFree) { try buddy.free(frame: 8, order: 3) }
            #expect(buddy.freeBlockCounts == counts)
            try buddy.free(frame: other, order: 0)
            #expect(throws: FrameError.alreadyFree) { try buddy.free(frame: other, order: 0) }
            try buddy.free(frame: block, order: 2)
            // `block` has merged into a larger block: it is now a free head of order 4.
            #expect(throws: FrameError.alreadyFree) { try buddy.free(frame: block, order: 2) }
            #expect(buddy.freeBlockCounts == [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0])
            #expect(buddy.integrityViolation() == nil)
        }
    }

    @Test func exhaustionReturnsNil() throws {
        try withBuddy(firstFrame: 0, frameCount: 100) { buddy in
            try buddy.addFreeRange(firstFrame: 1, count: 99)
            #expect(buddy.allocate(order: 7) == nil)
            var frames: [UInt64] = []
            while let f = buddy.allocate(order: 0) { frames.append(f) }
            #expect(frames.count == 99)
            #expect(Set(frames).count == 99)
            #expect(buddy.freeFrames == 0 && buddy.allocatedFrames == 99)
            for order in 0...BuddyAllocator.maxOrder { #expect(buddy.allocate(order: order) == nil) }
            #expect(buddy.allocate(order: -1) == nil && buddy.allocate(order: 11) == nil)
            for f in frames.reversed() { try buddy.free(frame: f, order: 0) }
            #expect(buddy.freeBlockCounts == maximalBlockCounts([(1, 99)]))
        }
    }

    @Test func runsKeepOnlyTheirPages() throws {
        try withBuddy(firstFrame: 0, frameCount: 64) { buddy in
            try buddy.addFreeRange(firstFrame: 0, count: 64)
            let run = try unwrap(buddy.allocate(pages: 5))
            #expect(run % 8 == 0)
            #expect(buddy.freeFrames == 59)
            #expect(buddy.state(of: run) == .allocated(order: 2))
            #expect(buddy.state(of: run + 4) == .allocated(order: 0))
            #expect(buddy.state(of: run + 5) == .free(order: 0))
            #expect(buddy.state(of: run + 6) == .free(order: 1))
            // 6 = 4 + 2: the order-1 block at +4 is really an order-0 block.
            #expect(throws: FrameError.wrongOrder(allocated: 0)) { try buddy.free(frame: run, pages: 6) }
            #expect(throws: FrameError.wrongOrder(allocated: 2)) { try buddy.free(frame: run, pages: 8) }
            #expect(throws: FrameError.alreadyFree) { try buddy.free(frame: run + 5, pages: 1) }
            #expect(buddy.freeFrames == 59)
            try buddy.free(frame: run, pages: 5)
            #expect(buddy.freeBlockCounts == maximalBlockCounts([(0, 64)]))
            #expect(buddy.allocate(pages: 0) == nil && buddy.allocate(pages: 1025) == nil)
            #expect(buddy.integrityViolation() == nil)
        }
    }
}
