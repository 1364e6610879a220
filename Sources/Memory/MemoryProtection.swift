/// The access an application has to a memory area: `PROT_READ`, `PROT_WRITE`, `PROT_EXEC`.
///
/// The raw values are Linux's, so the syscall layer converts with `init(rawValue:)` after
/// rejecting unknown bits.
public struct MemoryProtection: OptionSet, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let read = MemoryProtection(rawValue: 1)
    public static let write = MemoryProtection(rawValue: 2)
    public static let execute = MemoryProtection(rawValue: 4)
}
