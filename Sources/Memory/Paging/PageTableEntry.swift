/// One 64-bit x86-64 page-table entry.
public struct PageTableEntry: Equatable, Sendable {
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    static let present: UInt64 = 1 << 0
    static let writable: UInt64 = 1 << 1
    static let user: UInt64 = 1 << 2
    static let writeThrough: UInt64 = 1 << 3
    static let cacheDisable: UInt64 = 1 << 4
    static let accessed: UInt64 = 1 << 5
    static let dirty: UInt64 = 1 << 6
    static let pageSize: UInt64 = 1 << 7
    static let global: UInt64 = 1 << 8
    /// Software-defined bit 9 (ignored by the CPU): `PageFlags.borrowed`.
    static let borrowed: UInt64 = 1 << 9
    static let noExecute: UInt64 = 1 << 63
    /// Bits 12…51 hold the physical address.
    public static let addressMask: UInt64 = 0x000F_FFFF_FFFF_F000

    public var isPresent: Bool { rawValue & Self.present != 0 }
    /// A leaf at the PD or PDPT level (2 MiB or 1 GiB page).
    public var isLargeLeaf: Bool { rawValue & Self.pageSize != 0 }
    public var isDirty: Bool { rawValue & Self.dirty != 0 }
    public var isAccessed: Bool { rawValue & Self.accessed != 0 }
    public var physicalAddress: UInt64 { rawValue & Self.addressMask }

    /// A leaf entry mapping `physical` with `flags`.
    public static func leaf(_ physical: UInt64, flags: PageFlags, large: Bool, noExecuteSupported: Bool = true) -> PageTableEntry {
        var raw = (physical & addressMask) | present
        if flags.contains(.writable) { raw |= writable }
        if flags.contains(.user) { raw |= user }
        if flags.contains(.uncached) { raw |= cacheDisable | writeThrough }
        if flags.contains(.global) { raw |= global }
        if flags.contains(.borrowed) { raw |= borrowed }
        if !flags.contains(.executable) && noExecuteSupported { raw |= noExecute }
        if large { raw |= pageSize }
        return PageTableEntry(rawValue: raw)
    }

    /// A non-leaf entry pointing at the next table. It grants everything; leaves restrict.
    public static func table(_ physical: UInt64) -> PageTableEntry {
        PageTableEntry(rawValue: (physical & addressMask) | present | writable | user)
    }

    /// The flags of a leaf entry.
    public var flags: PageFlags {
        var f: PageFlags = []
        if rawValue & Self.writable != 0 { f.insert(.writable) }
        if rawValue & Self.user != 0 { f.insert(.user) }
        if rawValue & Self.cacheDisable != 0 { f.insert(.uncached) }
        if rawValue & Self.global != 0 { f.insert(.global) }
        if rawValue & Self.borrowed != 0 { f.insert(.borrowed) }
        if rawValue & Self.noExecute == 0 { f.insert(.executable) }
        return f
    }
}
