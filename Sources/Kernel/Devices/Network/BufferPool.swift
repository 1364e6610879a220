#if SKIFF_KERNEL
/// Frame buffers of `VirtioNetworkDevice.bufferBytes` in DMA memory, two per page.
final class BufferPool {
    let count: Int
    private let pages: [DMABuffer]

    init?(count: Int) {
        self.count = count
        var pages: [DMABuffer] = []
        for _ in 0..<((count &+ 1) / 2) {
            guard let page = DMABuffer.allocate(bytes: 4096) else {
                for p in pages { p.free() }
                return nil
            }
            pages.append(page)
        }
        self.pages = pages
    }

    func physical(_ i: Int) -> UInt64 { pages[i / 2].physical &+ UInt64((i % 2) &* VirtioNetworkDevice.bufferBytes) }
    func pointer(_ i: Int) -> UnsafeMutableRawPointer { pages[i / 2].pointer.advanced(by: (i % 2) &* VirtioNetworkDevice.bufferBytes) }
}
#endif
