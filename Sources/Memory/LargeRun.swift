/// A view of the header of an allocation served as a page run rather than from a slab.
///
/// | offset | field         | meaning                                                   |
/// |--------|---------------|-----------------------------------------------------------|
/// | 0      | `magic`       | ``LargeRun/magic``; cleared when the run is freed         |
/// | 8      | `pageCount`   | pages in the run, as passed to the page source            |
/// | 16     | `runStart`    | first page of the run                                     |
/// | 24     | `object`      | the pointer handed out, checked again by `free`           |
/// | 32     | `usableBytes` | bytes from `object` to the end of the run                 |
///
/// The header sits at the start of the page holding the byte before the object. For
/// alignments below a page the object follows the header in the run's first page; for
/// page-aligned requests the header gets a page of its own, the one just before the object.
/// Either way `(object - 1)` rounded down to a page is the header — the same rule that finds a
/// slab object's ``SlabPage``, because slab objects never start at a page boundary.
struct LargeRun {
    static let magic: UInt32 = 0x4C41_5247  // "LARG"

    let base: UnsafeMutableRawPointer

    var magic: UInt32 {
        get { base.load(as: UInt32.self) }
        nonmutating set { base.storeBytes(of: newValue, as: UInt32.self) }
    }
    var pageCount: Int {
        get { Int(bitPattern: base.load(fromByteOffset: 8, as: UInt.self)) }
        nonmutating set { base.storeBytes(of: UInt(bitPattern: newValue), toByteOffset: 8, as: UInt.self) }
    }
    var runStart: UInt {
        get { base.load(fromByteOffset: 16, as: UInt.self) }
        nonmutating set { base.storeBytes(of: newValue, toByteOffset: 16, as: UInt.self) }
    }
    var object: UInt {
        get { base.load(fromByteOffset: 24, as: UInt.self) }
        nonmutating set { base.storeBytes(of: newValue, toByteOffset: 24, as: UInt.self) }
    }
    var usableBytes: Int {
        get { Int(bitPattern: base.load(fromByteOffset: 32, as: UInt.self)) }
        nonmutating set { base.storeBytes(of: UInt(bitPattern: newValue), toByteOffset: 32, as: UInt.self) }
    }
}
