/// A view of the 64-byte header at the start of a slab page.
///
/// | offset | field        | meaning                                                       |
/// |--------|--------------|---------------------------------------------------------------|
/// | 0      | `magic`      | ``SlabPage/magic``; cleared when the page leaves the heap     |
/// | 4      | `classIndex` | the page's size class                                         |
/// | 6      | `inUse`      | allocated objects                                             |
/// | 8      | `next`       | next slab on the class's partial list (address, 0 = none)     |
/// | 16     | `prev`       | previous slab on that list                                    |
/// | 24     | `bitmap`     | 4 × 64 bits, bit i set = object i allocated                   |
///
/// A bitmap rather than a free list threaded through the free objects: allocation state never
/// lives in memory the application can scribble on after a `free`, and a double free is a bit
/// that is already clear. 256 bits cover the 252 objects of the 16-byte class.
///
/// Fields are read and written with raw loads and stores, so the page needs no memory binding
/// and can go back to the page source as plain bytes.
struct SlabPage {
    static let magic: UInt32 = 0x534C_4142  // "SLAB"

    let base: UnsafeMutableRawPointer

    var magic: UInt32 {
        get { base.load(as: UInt32.self) }
        nonmutating set { base.storeBytes(of: newValue, as: UInt32.self) }
    }
    var classIndex: Int {
        get { Int(base.load(fromByteOffset: 4, as: UInt16.self)) }
        nonmutating set { base.storeBytes(of: UInt16(truncatingIfNeeded: newValue), toByteOffset: 4, as: UInt16.self) }
    }
    var inUse: Int {
        get { Int(base.load(fromByteOffset: 6, as: UInt16.self)) }
        nonmutating set { base.storeBytes(of: UInt16(truncatingIfNeeded: newValue), toByteOffset: 6, as: UInt16.self) }
    }
    var next: SlabPage? {
        get { SlabPage(address: base.load(fromByteOffset: 8, as: UInt.self)) }
        nonmutating set { base.storeBytes(of: newValue?.address ?? 0, toByteOffset: 8, as: UInt.self) }
    }
    var prev: SlabPage? {
        get { SlabPage(address: base.load(fromByteOffset: 16, as: UInt.self)) }
        nonmutating set { base.storeBytes(of: newValue?.address ?? 0, toByteOffset: 16, as: UInt.self) }
    }

    init(_ base: UnsafeMutableRawPointer) { self.base = base }

    init?(address: UInt) {
        guard let base = UnsafeMutableRawPointer(bitPattern: address) else { return nil }
        self.base = base
    }

    var address: UInt { UInt(bitPattern: base) }

    /// Makes a fresh page a slab of `classIndex` with every object free.
    func format(classIndex: Int) {
        magic = Self.magic
        self.classIndex = classIndex
        inUse = 0
        next = nil
        prev = nil
        for word in 0..<4 { setBitmapWord(word, 0) }
    }

    func bitmapWord(_ word: Int) -> UInt64 {
        base.load(fromByteOffset: 24 &+ word &* 8, as: UInt64.self)
    }

    func setBitmapWord(_ word: Int, _ value: UInt64) {
        base.storeBytes(of: value, toByteOffset: 24 &+ word &* 8, as: UInt64.self)
    }

    func isAllocated(_ object: Int) -> Bool {
        bitmapWord(object >> 6) & (1 &<< UInt64(object & 63)) != 0
    }

    /// Marks the first free object of the `capacity` allocated and returns its index; nil when
    /// the slab is full.
    func claimObject(capacity: Int) -> Int? {
        for word in 0..<4 {
            let first = word &* 64
            guard first < capacity else { return nil }
            let valid: UInt64 = capacity &- first >= 64 ? ~0 : (1 &<< UInt64(capacity &- first)) &- 1
            let free = ~bitmapWord(word) & valid
            if free != 0 {
                let bit = free.trailingZeroBitCount
                setBitmapWord(word, bitmapWord(word) | (1 &<< UInt64(bit)))
                inUse &+= 1
                return first &+ bit
            }
        }
        return nil
    }

    /// Marks allocated object `object` free.
    func releaseObject(_ object: Int) {
        let word = object >> 6
        setBitmapWord(word, bitmapWord(word) & ~(1 &<< UInt64(object & 63)))
        inUse &-= 1
    }
}
