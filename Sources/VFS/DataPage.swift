/// One 4 KiB page of a RAM file's data, returned to its allocator when the last reference
/// (the file's page tree) lets go.
final class DataPage {
    static let size = 4096
    static let shift = 12

    let memory: UnsafeMutableRawPointer
    private let allocator: any PageAllocator

    /// A zero-filled page, or nil when the allocator is out of memory.
    init?(from allocator: any PageAllocator) {
        guard let memory = allocator.allocatePage() else { return nil }
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: Self.size)
        self.memory = memory
        self.allocator = allocator
    }

    deinit {
        allocator.freePage(memory)
    }

    /// Bytes `[offset, offset + count)` of the page.
    func bytes(_ offset: Int, _ count: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: memory + offset, count: count)
    }
}
