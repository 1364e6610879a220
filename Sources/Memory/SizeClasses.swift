/// The object sizes a ``SlabHeap`` serves from slabs.
///
/// A slab is one page with a 64-byte ``SlabPage`` header; its objects are packed against the
/// *end* of the page. Packing from the end means an object's offset is `4096 - k × size`, a
/// multiple of the largest power of two dividing `size`, so a class of size `s` hands out
/// blocks aligned to `s & -s` (16 for 48, 64 for 192, 512 for 512) with no per-class padding.
///
/// The 22 classes are
///
///     16 32 48 64 80 96 112 128 | 160 192 224 256 | 320 384 448 512 | 576 672 800 1008 1344 2016
///
/// Up to 512 they step by a quarter of the power of two below (at most 20% internal waste,
/// like jemalloc's spacing). Above 512 they are `4032 / n` rounded down to a multiple of 16 for
/// n = 7…2 objects per slab, so the page is used to 98–100% rather than leaving most of it
/// empty as 1024- or 2048-byte classes would with a header in the page. Larger requests, and
/// requests whose alignment no fitting class provides, are page runs.
public enum SizeClasses {
    /// The number of size classes.
    public static let count = 22
    /// The bytes the slab header takes at the start of each slab page.
    public static let headerBytes = 64
    /// The largest size served from slabs.
    public static var largestSize: Int { size(at: count &- 1) }

    /// The object size of class `index`.
    public static func size(at index: Int) -> Int {
        switch index {
        case 0: 16
        case 1: 32
        case 2: 48
        case 3: 64
        case 4: 80
        case 5: 96
        case 6: 112
        case 7: 128
        case 8: 160
        case 9: 192
        case 10: 224
        case 11: 256
        case 12: 320
        case 13: 384
        case 14: 448
        case 15: 512
        case 16: 576
        case 17: 672
        case 18: 800
        case 19: 1008
        case 20: 1344
        default: 2016
        }
    }

    /// The alignment every object of class `index` has.
    public static func alignment(at index: Int) -> Int {
        let size = size(at: index)
        return size & (0 &- size)
    }

    /// The objects one slab page of class `index` holds.
    public static func objectsPerSlab(at index: Int) -> Int {
        (Page.size &- headerBytes) / size(at: index)
    }

    /// The offset of the first object in a slab page of class `index`.
    static func firstOffset(at index: Int) -> Int {
        Page.size &- objectsPerSlab(at: index) &* size(at: index)
    }

    /// The smallest class holding `byteCount` bytes aligned to `alignment`; nil when a page run
    /// must serve the request.
    public static func index(byteCount: Int, alignment required: Int) -> Int? {
        guard byteCount <= largestSize else { return nil }
        var index = 0
        while index < count {
            if size(at: index) >= byteCount && alignment(at: index) >= required { return index }
            index &+= 1
        }
        return nil
    }
}
