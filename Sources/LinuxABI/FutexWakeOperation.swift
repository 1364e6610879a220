/// The operation FUTEX_WAKE_OP packs into its last argument: change the second futex word,
/// then wake its waiters only if the word's old value passes a comparison. glibc used it for
/// condition variables, so one system call could both release a lock word and wake.
///
/// Layout (Linux's FUTEX_OP): bits 28–31 the operation (bit 31 makes the operand a shift
/// count), 24–27 the comparison, 12–23 the operand and 0–11 the comparand, both 12-bit signed.
public struct FutexWakeOperation: Equatable {
    public enum Operation: UInt32 {
        case set = 0, add, or, andNot, xor
    }

    public enum Comparison: UInt32 {
        case equal = 0, notEqual, less, lessOrEqual, greater, greaterOrEqual
    }

    public var operation: Operation
    public var operand: UInt32
    public var comparison: Comparison
    public var comparand: Int32

    /// Decodes `encoded`; nil for an operation or comparison Linux does not define (ENOSYS).
    public init?(encoded: UInt32) {
        guard let operation = Operation(rawValue: (encoded >> 28) & 7),
            let comparison = Comparison(rawValue: (encoded >> 24) & 0xF)
        else { return nil }
        self.operation = operation
        self.comparison = comparison
        var operand = Self.signExtend12(encoded >> 12)
        if encoded & 0x8000_0000 != 0 {
            // A shift count outside 0...31 is masked, as Linux does after a warning.
            operand = Int32(1) << (operand & 31)
        }
        self.operand = UInt32(bitPattern: operand)
        self.comparand = Self.signExtend12(encoded)
    }

    /// The word's new value.
    public func apply(to old: UInt32) -> UInt32 {
        switch operation {
        case .set: return operand
        case .add: return old &+ operand
        case .or: return old | operand
        case .andNot: return old & ~operand
        case .xor: return old ^ operand
        }
    }

    /// Whether the word's old value (signed, as Linux compares it) asks for the second wake.
    public func wakesSecond(old: UInt32) -> Bool {
        let value = Int32(bitPattern: old)
        switch comparison {
        case .equal: return value == comparand
        case .notEqual: return value != comparand
        case .less: return value < comparand
        case .lessOrEqual: return value <= comparand
        case .greater: return value > comparand
        case .greaterOrEqual: return value >= comparand
        }
    }

    private static func signExtend12(_ bits: UInt32) -> Int32 {
        Int32(bitPattern: (bits & 0xFFF) << 20) >> 20
    }
}
