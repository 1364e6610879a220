import LinuxABI
import Synchronization

/// A regular file of a `RamFileSystem`: a size and a sparse tree of 4 KiB pages.
///
/// Readers hold the node's lock shared for the duration of one copy, so any number of
/// threads read one file at once; writers, truncate and fallocate hold it exclusively. Pages
/// count against the file system's size limit from allocation until truncate, punch-hole or
/// the node's destruction (after its last link and last open file are gone) returns them.
final class RamFile: RamNode {
    var size: UInt64 = 0
    var pages = PageTree()
    /// An O_TMPFILE without O_EXCL: `link` may give it its first name.
    var linkable: Bool

    init(
        context: RamContext, inode: UInt64, permissions: UInt32, owner: NodeOwner, linkCount: UInt32 = 1,
        linkable: Bool = false, now: Timespec
    ) {
        self.linkable = linkable
        super.init(
            type: .regular, context: context, inode: inode, permissions: permissions, owner: owner,
            linkCount: linkCount, now: now)
    }

    deinit {
        context.releasePages(pages.count)
    }

    override var lendsPages: Bool { true }

    /// Pages are lent to shared mappings as they are: mappings and `read`/`write` share memory.
    override func lentPage(at index: UInt64) throws(Errno) -> DataPage? {
        try exclusively(lock) { () throws(Errno) -> DataPage? in
            guard index < (size + UInt64(DataPage.size) - 1) >> UInt64(DataPage.shift) else { return nil }
            if let page = pages.page(at: index) { return page }
            guard context.reservePages(1) else { throw .ENOSPC }
            guard let page = DataPage(from: context.pageAllocator) else {
                context.releasePages(1)
                throw .ENOMEM
            }
            pages.insert(page, at: index)
            return page
        }
    }

    /// Drops pages `[first, last]` (truncate, punch-hole), returning how many went. While the
    /// file is mapped shared, its pages may be in page tables: they are zeroed and kept instead,
    /// so the mappings and the file go on sharing them when the file grows again (Linux unmaps
    /// them; SIGBUS past the end is the difference). Called with the lock held.
    private func dropPages(from first: UInt64, through last: UInt64 = .max) -> Int {
        guard isMappedShared else {
            return last == .max ? pages.removeAll(from: first) : pages.remove(from: first, through: last)
        }
        var index = first
        while let found = pages.firstPresent(atOrAfter: index), found <= last {
            pages.page(at: found)!.bytes(0, DataPage.size).initializeMemory(as: UInt8.self, repeating: 0)
            if found == .max { break }
            index = found + 1
        }
        return 0
    }

    override var contentSize: UInt64 { size }
    override var contentBlocks: UInt64 { UInt64(pages.count) &* UInt64(DataPage.size / 512) }

    // MARK: Data

    override func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        shared(lock) {
            guard offset < size, !buffer.isEmpty else { return 0 }
            let count = UInt64(buffer.count) < size - offset ? buffer.count : Int(size - offset)
            var done = 0
            while done < count {
                let position = offset + UInt64(done)
                let index = position >> UInt64(DataPage.shift)
                let within = Int(position & UInt64(DataPage.size - 1))
                let chunk = min(DataPage.size - within, count - done)
                let destination = UnsafeMutableRawBufferPointer(rebasing: buffer[done..<(done + chunk)])
                if let page = pages.page(at: index) {
                    destination.copyMemory(from: UnsafeRawBufferPointer(page.bytes(within, chunk)))
                } else {
                    _ = destination.initializeMemory(as: UInt8.self, repeating: 0)
                }
                done += chunk
            }
            return count
        }
    }

    override func write(
        at offset: UInt64, from buffer: UnsafeRawBufferPointer, appending: Bool
    ) throws(Errno) -> (count: Int, end: UInt64) {
        try exclusively(lock) { () throws(Errno) -> (count: Int, end: UInt64) in
            let start = appending ? size : offset
            guard !buffer.isEmpty else { return (0, start) }
            guard start < VFSLimits.maxFileSize else { throw .EFBIG }
            let room = VFSLimits.maxFileSize - start
            let count = UInt64(buffer.count) <= room ? buffer.count : Int(room)
            var done = 0
            var failure: Errno? = nil
            while done < count {
                let position = start + UInt64(done)
                let index = position >> UInt64(DataPage.shift)
                let within = Int(position & UInt64(DataPage.size - 1))
                let chunk = min(DataPage.size - within, count - done)
                let page: DataPage
                if let existing = pages.page(at: index) {
                    page = existing
                } else {
                    guard context.reservePages(1) else {
                        failure = .ENOSPC
                        break
                    }
                    guard let fresh = DataPage(from: context.pageAllocator) else {
                        context.releasePages(1)
                        failure = .ENOMEM
                        break
                    }
                    page = fresh
                    pages.insert(page, at: index)
                }
                page.bytes(within, chunk).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: buffer[done..<(done + chunk)]))
                done += chunk
            }
            if done == 0, let failure { throw failure }
            let end = start + UInt64(done)
            if end > size { size = end }
            let now = context.now()
            modificationTime = now
            changeTime = now
            return (done, end)
        }
    }

    override func truncate(to size: UInt64) throws(Errno) {
        try exclusively(lock) { () throws(Errno) in
            let now = context.now()
            try applySize(size, now: now)
            modificationTime = now
            changeTime = now
        }
    }

    /// Sets the size: pages past the new end are freed, the tail of the last page zeroed so
    /// that growing the file again reads zeros there. Growing allocates nothing.
    override func applySize(_ newSize: UInt64, now: Timespec) throws(Errno) {
        guard newSize <= VFSLimits.maxFileSize else { throw .EFBIG }
        if newSize < size {
            let pageSize = UInt64(DataPage.size)
            let firstWhole = (newSize + pageSize - 1) / pageSize
            context.releasePages(dropPages(from: firstWhole))
            let within = Int(newSize % pageSize)
            if within != 0, let page = pages.page(at: newSize / pageSize) {
                page.memory.advanced(by: within).initializeMemory(
                    as: UInt8.self, repeating: 0, count: DataPage.size - within)
            }
        }
        size = newSize
    }

    override func allocate(_ mode: AllocationMode, offset: UInt64, length: UInt64) throws(Errno) {
        guard length > 0 else { throw .EINVAL }
        let (end, overflow) = offset.addingReportingOverflow(length)
        guard !overflow, end <= VFSLimits.maxFileSize else { throw .EFBIG }
        let pageSize = UInt64(DataPage.size)
        try exclusively(lock) { () throws(Errno) in
            let now = context.now()
            switch mode {
            case .allocate, .keepSize:
                let first = offset / pageSize
                let last = (end - 1) / pageSize
                let wanted = last - first + 1
                let available = UInt64(max(context.pageLimit - context.pagesUsed.load(ordering: .relaxed), 0))
                guard wanted <= available &+ UInt64(pages.count) else { throw .ENOSPC }
                var added: [UInt64] = []
                var index = first
                while true {
                    if pages.page(at: index) == nil {
                        var page: DataPage? = nil
                        let reserved = context.reservePages(1)
                        if reserved { page = DataPage(from: context.pageAllocator) }
                        guard let page else {
                            if reserved { context.releasePages(1) }
                            for index in added { pages.remove(from: index, through: index) }
                            context.releasePages(added.count)
                            throw reserved ? .ENOMEM : .ENOSPC
                        }
                        pages.insert(page, at: index)
                        added.append(index)
                    }
                    if index == last { break }
                    index += 1
                }
                if mode == .allocate && end > size { size = end }
            case .punchHole:
                let clippedEnd = min(end, size)
                guard offset < clippedEnd else { break }
                let firstWhole = (offset + pageSize - 1) / pageSize
                let endWhole = clippedEnd / pageSize
                if firstWhole < endWhole {
                    context.releasePages(dropPages(from: firstWhole, through: endWhole - 1))
                }
                zero(from: offset, to: min(clippedEnd, firstWhole * pageSize))
                if clippedEnd > max(endWhole * pageSize, offset) {
                    zero(from: max(endWhole * pageSize, offset), to: clippedEnd)
                }
                modificationTime = now
            }
            changeTime = now
        }
    }

    /// Zeroes `[from, to)` within one page, if the page exists.
    private func zero(from start: UInt64, to end: UInt64) {
        guard start < end else { return }
        let pageSize = UInt64(DataPage.size)
        guard let page = pages.page(at: start / pageSize) else { return }
        let low = Int(start % pageSize)
        page.memory.advanced(by: low).initializeMemory(as: UInt8.self, repeating: 0, count: Int(end - start))
    }

    override func seekData(from offset: UInt64) throws(Errno) -> UInt64 {
        try shared(lock) { () throws(Errno) -> UInt64 in
            guard offset < size else { throw .ENXIO }
            let pageSize = UInt64(DataPage.size)
            guard let index = pages.firstPresent(atOrAfter: offset / pageSize) else { throw .ENXIO }
            let found = max(offset, index * pageSize)
            guard found < size else { throw .ENXIO }
            return found
        }
    }

    override func seekHole(from offset: UInt64) throws(Errno) -> UInt64 {
        try shared(lock) { () throws(Errno) -> UInt64 in
            guard offset < size else { throw .ENXIO }
            let pageSize = UInt64(DataPage.size)
            let index = pages.firstAbsent(atOrAfter: offset / pageSize)
            let (start, overflow) = index.multipliedReportingOverflow(by: pageSize)
            return overflow ? size : min(max(offset, start), size)
        }
    }
}
