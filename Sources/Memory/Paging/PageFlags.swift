/// Access rights and caching of a mapping, independent of the page-table encoding.
public struct PageFlags: OptionSet, Equatable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let writable = PageFlags(rawValue: 1 << 0)
    public static let executable = PageFlags(rawValue: 1 << 1)
    /// Reachable from ring 3.
    public static let user = PageFlags(rawValue: 1 << 2)
    /// Device memory: uncached.
    public static let uncached = PageFlags(rawValue: 1 << 3)
    /// Kept in the TLB across address-space switches (kernel mappings).
    public static let global = PageFlags(rawValue: 1 << 4)
    /// The frame belongs to someone else (a page of the in-RAM image, a shared page): unmapping
    /// must not free it. Kept in a bit the CPU ignores.
    public static let borrowed = PageFlags(rawValue: 1 << 5)
}

/// The page sizes x86-64 maps with.
public enum PageSize: Equatable, Sendable {
    case small  // 4 KiB
    case large  // 2 MiB
    case huge  // 1 GiB

    public var bytes: UInt64 {
        switch self {
        case .small: 4096
        case .large: 2 << 20
        case .huge: 1 << 30
        }
    }

    /// The table level holding a leaf of this size: 1 = PT, 2 = PD, 3 = PDPT.
    var level: Int {
        switch self {
        case .small: 1
        case .large: 2
        case .huge: 3
        }
    }
}
