/// `renameat2` flags.
public struct RenameFlags: OptionSet, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Fail with EEXIST instead of replacing the target.
    public static let noReplace = RenameFlags(rawValue: 1)
    /// Swap the two names atomically; both must exist.
    public static let exchange = RenameFlags(rawValue: 2)
    /// Leave an overlay whiteout at the old name: a character device 0/0 with no permission
    /// bits (Linux's WHITEOUT_DEV and WHITEOUT_MODE), owned by the caller, which overlayfs
    /// reads as "deleted in this layer". Not with `.exchange` (EINVAL).
    public static let whiteout = RenameFlags(rawValue: 4)
}
