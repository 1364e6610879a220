import Testing
@testable import Memory

/// Whether a failable initializer of a `~Copyable` type succeeded (`#expect` cannot compare
/// such values with nil).
private func canCreate(_ storage: UnsafeMutableRawBufferPointer, _ firstFrame: UInt64, _ frameCount: Int) -> Bool {
    switch PageFrameTable(storage: storage, firstFrame: firstFrame, frameCount: frameCount) {
    case .some: true
    case .none: false
    }
}

@Suite struct PageFrameTableTests {
    @Test func entriesAreSmall() {
        #expect(PageFrameTable.bytesPerFrame == 12)
        #expect(PageFrameTable.bytesNeeded(frameCount: 1000) == 12_000)
    }

    @Test func rejectsShortOrMisalignedStorage() {
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: 256, alignment: 16)
        defer { storage.deallocate() }
        #expect(!canCreate(storage, 0, 22))
        let shifted = UnsafeMutableRawBufferPointer(rebasing: storage[1...])
        #expect(!canCreate(shifted, 0, 4))
        #expect(!canCreate(storage, UInt64.max - 2, 4))
        #expect(canCreate(storage, 0, 21))
    }

    @Test func newTableIsUnavailable() {
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: 120, alignment: 16)
        defer { storage.deallocate() }
        storage.initializeMemory(as: UInt8.self, repeating: 0xAB)
        let table = PageFrameTable(storage: storage, firstFrame: 100, frameCount: 10)!
        #expect(table.contains(100) && table.contains(109))
        #expect(!table.contains(99) && !table.contains(110))
        for f in UInt64(95)..<115 { #expect(table.state(of: f) == .unavailable) }
    }
}
