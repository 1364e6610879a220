/// Per-frame metadata for a contiguous range of physical frames, in storage the caller provides.
///
/// The kernel carves this table out of RAM at boot, before any allocator exists, so the table
/// does not allocate: it is a typed view over an `UnsafeMutableRawBufferPointer`. Each frame
/// takes ``bytesPerFrame`` (12) bytes — 0.3% of the memory it describes — laid out as
///
/// | bytes | field   | meaning                                                             |
/// |-------|---------|---------------------------------------------------------------------|
/// | 0..<4 | `next`  | next frame on a free list or per-CPU cache list (index, `~0` = end) |
/// | 4..<8 | `prev`  | previous frame on a free list (doubly linked so a buddy can be      |
/// |       |         | unlinked in O(1) while coalescing)                                  |
/// | 8     | `kind`  | ``FrameState`` without its order                                    |
/// | 9     | `order` | block order for heads                                               |
/// | 10..<12 | —     | padding                                                             |
///
/// Keeping the list links here rather than in the free pages themselves means the allocator
/// never touches the memory it manages: free pages need not be mapped, and host tests need no
/// fake RAM. Indices are 32-bit, so one table covers up to 16 TiB.
///
/// The table is `~Copyable` because it owns its storage's contents: a copy would be a second,
/// diverging view of the same frames.
public struct PageFrameTable: ~Copyable {
    /// The bytes of metadata per frame.
    public static var bytesPerFrame: Int { MemoryLayout<FrameEntry>.stride }
    /// The alignment the storage must have.
    public static var storageAlignment: Int { MemoryLayout<FrameEntry>.alignment }

    /// The storage needed for `frameCount` frames.
    public static func bytesNeeded(frameCount: Int) -> Int {
        frameCount &* bytesPerFrame
    }

    /// The frame number of the first frame described.
    public let firstFrame: UInt64
    /// How many frames are described.
    public let frameCount: Int

    let entries: UnsafeMutablePointer<FrameEntry>

    /// A table for frames `firstFrame ..< firstFrame + frameCount`, every frame ``FrameState/unavailable``.
    ///
    /// Returns nil when the storage is too small or misaligned, or `frameCount` does not fit
    /// 32-bit indices.
    public init?(storage: UnsafeMutableRawBufferPointer, firstFrame: UInt64, frameCount: Int) {
        guard frameCount >= 0, frameCount < Int(FrameEntry.none),
            let base = storage.baseAddress,
            storage.count >= Self.bytesNeeded(frameCount: frameCount),
            Int(bitPattern: base) & (Self.storageAlignment &- 1) == 0,
            firstFrame <= UInt64.max &- UInt64(frameCount)
        else { return nil }
        self.firstFrame = firstFrame
        self.frameCount = frameCount
        entries = base.bindMemory(to: FrameEntry.self, capacity: frameCount)
        entries.initialize(repeating: FrameEntry(), count: frameCount)
    }

    /// Whether `frame` is described by this table.
    public func contains(_ frame: UInt64) -> Bool {
        frame >= firstFrame && frame &- firstFrame < UInt64(frameCount)
    }

    /// What `frame` is doing; ``FrameState/unavailable`` for frames outside the table.
    public func state(of frame: UInt64) -> FrameState {
        guard contains(frame) else { return .unavailable }
        return entries[index(frame)].state
    }

    @inline(__always)
    func index(_ frame: UInt64) -> Int { Int(truncatingIfNeeded: frame &- firstFrame) }

    @inline(__always)
    func frame(_ index: Int) -> UInt64 { firstFrame &+ UInt64(truncatingIfNeeded: index) }

    @inline(__always)
    subscript(index: Int) -> FrameEntry {
        get { entries[index] }
        nonmutating _modify { yield &entries[index] }
    }
}

/// One frame's metadata; see ``PageFrameTable`` for the layout.
struct FrameEntry {
    /// The end-of-list marker for `next` and `prev`.
    static let none: UInt32 = 0xFFFF_FFFF

    enum Kind: UInt8 {
        case unavailable = 0, tail, free, allocated, cached
    }

    var next: UInt32 = FrameEntry.none
    var prev: UInt32 = FrameEntry.none
    var kind: Kind = .unavailable
    var order: UInt8 = 0

    var state: FrameState {
        switch kind {
        case .unavailable: .unavailable
        case .tail: .tail
        case .free: .free(order: Int(order))
        case .allocated: .allocated(order: Int(order))
        case .cached: .cached
        }
    }

    @inline(__always)
    func isHead(_ kind: Kind, order: Int) -> Bool {
        self.kind == kind && Int(self.order) == order
    }
}
