import LinuxABI
import Synchronization

/// The pages of one file that processes map with `MAP_SHARED`: every shared mapping of the
/// file, in every process, maps these same pages, so a store through one mapping is seen
/// through all the others at once.
///
/// A file system that keeps file data in page frames (`RamFileSystem`) lends its own pages
/// (`VNode.lentPage(at:)`): mappings, `read` and `write` then touch the same memory and nothing
/// needs keeping in step. For the others (ext4, 9p, block-backed images) the pages are copies,
/// read from the file on first touch. Linux has one page cache under both paths; here the copies
/// are the newest data of the pages they hold, so `OpenFile` reads through them (`overlay`) and
/// writes into them (`wrote`), and the pages a mapping stored to (`markDirty`) go back to the
/// file on `msync`, `fsync`, `munmap` and exit (`writeBack`), which is when Linux promises it too.
///
/// A copy cannot be write-protected again once written: the kernel keeps no list of the page
/// tables that map it. So a page stays dirty until the last mapping goes, and every write-back
/// writes it again; correct, and cheap next to the file system's own costs.
///
/// ## Locking
///
/// `lock` is held while a copy is read from the file, so a `write` racing a fault either
/// finishes before the copy is read or updates the copy after; it comes before the node's lock
/// (the file system's read runs under it). Nothing else is acquired under it.
public final class SharedFilePages {
    private let lock: any VFSLock
    private let allocator: any PageAllocator
    private var pages = PageTree()
    /// Indices of copies a mapping has stored to, ascending.
    private var dirty: [UInt64] = []
    /// Address spaces mapping the file shared; atomic so that the file system can ask under
    /// its node lock, which comes after `lock`.
    private let mappings = Atomic<Int>(0)

    /// Pages for `node`; copies come from `allocator`.
    public init(for node: VNode, lock: any VFSLock, allocator: any PageAllocator) {
        self.lock = lock
        self.allocator = allocator
        areLent = node.lendsPages
    }

    /// Whether the pages are the file system's own: mappings of them need no dirty tracking.
    public let areLent: Bool

    /// Pages held now (lent or copied).
    public var count: Int { shared(lock) { pages.count } }

    /// Whether some address space maps the file shared now.
    var isMapped: Bool { mappings.load(ordering: .acquiring) > 0 }

    /// One more address space maps the file shared.
    public func attach() {
        mappings.wrappingAdd(1, ordering: .acquiringAndReleasing)
    }

    /// An address space no longer maps the file (its page-table entries are gone). The last
    /// one writes the changed copies back and lets every page go.
    public func detach(from node: VNode) {
        guard mappings.wrappingSubtract(1, ordering: .acquiringAndReleasing).newValue == 0 else { return }
        try? writeBack(to: node)
        exclusively(lock) {
            // A new mapping may have come while the data went back; it keeps the pages.
            guard !isMapped else { return }
            pages = PageTree()
            dirty = []
        }
    }

    /// The page holding bytes `[index * 4096, index * 4096 + 4096)` of `node`, page-aligned
    /// memory that stays put while any mapping remains: nil when the page lies wholly past the
    /// end of the file (a mapping's access there is SIGBUS on Linux). ENOMEM when no page is to
    /// be had; ENOSPC when a tmpfs file cannot fill its hole.
    public func page(at index: UInt64, of node: VNode) throws(Errno) -> UnsafeMutableRawPointer? {
        try exclusively(lock) { () throws(Errno) -> UnsafeMutableRawPointer? in
            if let page = pages.page(at: index) { return page.memory }
            let page: DataPage
            if areLent {
                guard let lent = try node.lentPage(at: index) else { return nil }
                page = lent
            } else {
                let size = try node.attributes().size
                guard index < (size + UInt64(DataPage.size) - 1) >> UInt64(DataPage.shift) else { return nil }
                guard let fresh = DataPage(from: allocator) else { throw .ENOMEM }
                _ = try node.read(filling: fresh.bytes(0, DataPage.size), at: index << UInt64(DataPage.shift))
                page = fresh
            }
            pages.insert(page, at: index)
            return page.memory
        }
    }

    /// A mapping is about to store to copy `index`: it goes back to the file from now on.
    public func markDirty(_ index: UInt64) {
        guard !areLent else { return }
        exclusively(lock) {
            let at = insertionPoint(index)
            if at == dirty.count || dirty[at] != index { dirty.insert(index, at: at) }
        }
    }

    /// Copies the held pages' bytes over `buffer`, which was just read from the file at
    /// `offset`: where a page is held, it is newer than the file.
    public func overlay(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) {
        guard !areLent, !buffer.isEmpty else { return }
        shared(lock) {
            forEachHeld(offset, buffer.count) { page, within, done, chunk in
                UnsafeMutableRawBufferPointer(rebasing: buffer[done..<(done + chunk)])
                    .copyMemory(from: UnsafeRawBufferPointer(page.bytes(within, chunk)))
            }
        }
    }

    /// `bytes` were just written to the file at `offset`: held pages take them too.
    public func wrote(at offset: UInt64, _ bytes: UnsafeRawBufferPointer) {
        guard !areLent, !bytes.isEmpty else { return }
        exclusively(lock) {
            forEachHeld(offset, bytes.count) { page, within, done, chunk in
                page.bytes(within, chunk).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[done..<(done + chunk)]))
            }
        }
    }

    /// The file's bytes `[start, end)` now read as zeros (truncate, punch-hole): so do the held
    /// copies', and a file grown again later shows zeros there through the mappings too.
    public func zeroed(from start: UInt64, to end: UInt64 = VFSLimits.maxFileSize) {
        guard !areLent, start < end else { return }
        exclusively(lock) {
            let pageSize = UInt64(DataPage.size)
            var index = start >> UInt64(DataPage.shift)
            while let found = pages.firstPresent(atOrAfter: index), found << UInt64(DataPage.shift) < end {
                let pageStart = found << UInt64(DataPage.shift)
                let low = Int(max(start, pageStart) - pageStart)
                let high = Int(min(end, pageStart + pageSize) - pageStart)
                pages.page(at: found)!.bytes(low, high - low).initializeMemory(as: UInt8.self, repeating: 0)
                index = found + 1
            }
        }
    }

    /// Writes the copies mappings stored to back to `node`, each up to the file's end (bytes a
    /// mapping stored past the end are not part of the file, as on Linux).
    public func writeBack(to node: VNode) throws(Errno) {
        guard !areLent else { return }
        let indices: [UInt64] = shared(lock) { dirty }
        guard !indices.isEmpty else { return }
        let size = try node.attributes().size
        var first: Errno? = nil
        for index in indices {
            let start = index << UInt64(DataPage.shift)
            guard start < size, let page = shared(lock, { pages.page(at: index) }) else { continue }
            let count = Int(min(UInt64(DataPage.size), size - start))
            do throws(Errno) {
                _ = try node.write(at: start, from: UnsafeRawBufferPointer(page.bytes(0, count)), appending: false)
            } catch {
                if first == nil { first = error }
            }
        }
        if let first { throw first }
    }

    /// Calls `body(page, offsetInPage, offsetInRange, count)` for each held page overlapping
    /// `[offset, offset + count)`. Called with the lock held.
    private func forEachHeld(_ offset: UInt64, _ count: Int, _ body: (DataPage, Int, Int, Int) -> Void) {
        var done = 0
        while done < count {
            let position = offset + UInt64(done)
            let within = Int(position & UInt64(DataPage.size - 1))
            let chunk = min(DataPage.size - within, count - done)
            if let page = pages.page(at: position >> UInt64(DataPage.shift)) { body(page, within, done, chunk) }
            done += chunk
        }
    }

    /// Where `index` is or would go in `dirty`.
    private func insertionPoint(_ index: UInt64) -> Int {
        var low = 0
        var high = dirty.count
        while low < high {
            let middle = (low + high) / 2
            if dirty[middle] < index { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
