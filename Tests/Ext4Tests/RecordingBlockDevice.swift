import Storage

/// A memory disk that records every write and flush, so crash tests can rebuild the disk as
/// it would be after losing power at any point.
///
/// A crash after write `k` keeps every write before the last flush that precedes `k` (those
/// were durable) and, of the writes since that flush, any subset (the device may have
/// reordered them): `image(after:keeping:)` builds that disk.
final class RecordingBlockDevice: BlockDevice {
    enum Event {
        case write(offset: Int, data: [UInt8])
        case flush
    }

    let name = "rec0"
    let sectorSize = 512
    let sectorCount: UInt64
    var blockSize: Int { sectorSize }
    var isReadOnly: Bool { false }
    var supportsDiscard: Bool { false }
    let initial: [UInt8]
    private(set) var current: [UInt8]
    private(set) var events: [Event] = []
    /// Fails every transfer once this many writes have been recorded (nil: never).
    var failAfterWrites: Int?

    init(image: [UInt8]) {
        initial = image
        current = image
        sectorCount = UInt64(image.count / 512)
    }

    var writeCount: Int {
        events.reduce(0) { count, event in
            if case .write = event { return count + 1 }
            return count
        }
    }

    func read(sector: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(BlockDeviceError) {
        _ = try checkTransfer(sector: sector, byteCount: buffer.count)
        let start = Int(sector) * sectorSize
        current.withUnsafeBytes { disk in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: disk[start..<(start + buffer.count)]))
        }
    }

    func write(sector: UInt64, from buffer: UnsafeRawBufferPointer) throws(BlockDeviceError) {
        _ = try checkTransfer(sector: sector, byteCount: buffer.count)
        if let limit = failAfterWrites, writeCount >= limit { throw .ioError }
        let start = Int(sector) * sectorSize
        let data = [UInt8](buffer)
        current.replaceSubrange(start..<(start + data.count), with: data)
        events.append(.write(offset: start, data: data))
    }

    func flush() throws(BlockDeviceError) {
        if let limit = failAfterWrites, writeCount >= limit { throw .ioError }
        events.append(.flush)
    }

    func discard(sector: UInt64, count: UInt64) throws(BlockDeviceError) { throw .unsupported }

    /// How many writes were followed by a flush among the first `writes` writes (those a
    /// crash right after write `writes` cannot lose).
    func flushedWrites(before writes: Int) -> Int {
        var seen = 0
        var flushed = 0
        for event in events {
            switch event {
            case .write:
                if seen == writes { return flushed }
                seen += 1
            case .flush:
                flushed = seen
            }
        }
        return flushed
    }

    /// Flushes issued after write `start` and up to write `end`.
    func flushes(from start: Int, to end: Int) -> Int {
        var seen = 0
        var count = 0
        for event in events {
            switch event {
            case .write: seen += 1
            case .flush: if seen > start && seen <= end { count += 1 }
            }
        }
        return count
    }

    /// The disk after a crash following the first `writes` writes (and any flushes right
    /// after them, before the next write): all writes up to the last flush before the cut,
    /// then those after it for which `keep(index)` is true (index counts from 0 among the
    /// unflushed writes).
    func image(after writes: Int, keeping keep: (Int) -> Bool = { _ in true }) -> [UInt8] {
        var disk = initial
        var seen = 0
        var lastFlushEvent = -1
        var cutEvent = events.count
        for (index, event) in events.enumerated() {
            switch event {
            case .write:
                if seen == writes {
                    cutEvent = index
                    break
                }
                seen += 1
            case .flush:
                lastFlushEvent = index
            }
            if cutEvent != events.count { break }
        }
        var unflushed = 0
        for index in 0..<cutEvent {
            guard case .write(let offset, let data) = events[index] else { continue }
            if index > lastFlushEvent {
                defer { unflushed += 1 }
                if !keep(unflushed) { continue }
            }
            disk.replaceSubrange(offset..<(offset + data.count), with: data)
        }
        return disk
    }
}
