import Testing

@testable import LinuxABI

/// FUTEX_OP(op, oparg, cmp, cmparg) as <linux/futex.h> builds it.
private func encode(_ op: UInt32, _ operand: Int32, _ cmp: UInt32, _ comparand: Int32) -> UInt32 {
    (op & 0xF) << 28 | (cmp & 0xF) << 24 | (UInt32(bitPattern: operand) & 0xFFF) << 12 | UInt32(bitPattern: comparand) & 0xFFF
}

@Suite struct FutexWakeOperationTests {
    @Test func glibcConditionVariableOperationDecodes() throws {
        // FUTEX_OP_CLEAR_WAKE_IF_GT_ONE: set the word to 0, wake the second if it was above 1.
        let op = try #require(FutexWakeOperation(encoded: encode(0, 0, 4, 1)))
        #expect(op.operation == .set)
        #expect(op.comparison == .greater)
        #expect(op.apply(to: 7) == 0)
        #expect(op.wakesSecond(old: 2))
        #expect(!op.wakesSecond(old: 1))
    }

    @Test func everyOperationChangesTheWordAsLinuxDoes() throws {
        let cases: [(UInt32, UInt32)] = [(0, 5), (1, 0b1100 &+ 5), (2, 0b1100 | 5), (3, 0b1100 & ~5), (4, 0b1100 ^ 5)]
        for (code, expected) in cases {
            let op = try #require(FutexWakeOperation(encoded: encode(code, 5, 0, 0)))
            #expect(op.apply(to: 0b1100) == expected)
        }
    }

    @Test func operandAndComparandAreTwelveBitSigned() throws {
        let op = try #require(FutexWakeOperation(encoded: encode(1, -1, 2, -3)))
        #expect(op.apply(to: 10) == 9)
        #expect(op.comparand == -3)
        #expect(op.wakesSecond(old: UInt32(bitPattern: -4)))
        #expect(!op.wakesSecond(old: UInt32(bitPattern: -3)))
        // Compared signed: 0xFFFFFFFF is -1, which is not above 0.
        let greater = try #require(FutexWakeOperation(encoded: encode(0, 0, 4, 0)))
        #expect(!greater.wakesSecond(old: 0xFFFF_FFFF))
    }

    @Test func shiftFlagMakesTheOperandABit() throws {
        let op = try #require(FutexWakeOperation(encoded: encode(8 | 2, 4, 0, 0)))
        #expect(op.apply(to: 1) == 0b10001)
        // Out-of-range shifts are masked to 0...31.
        let wide = try #require(FutexWakeOperation(encoded: encode(8 | 0, 33, 0, 0)))
        #expect(wide.operand == 2)
        let negative = try #require(FutexWakeOperation(encoded: encode(8 | 0, -1, 0, 0)))
        #expect(negative.operand == 0x8000_0000)
    }

    @Test func everyComparison() throws {
        let expected: [[Bool]] = [  // old = 4, 5, 6 against comparand 5
            [false, true, false], [true, false, true], [true, false, false],
            [true, true, false], [false, false, true], [false, true, true],
        ]
        for (cmp, row) in expected.enumerated() {
            let op = try #require(FutexWakeOperation(encoded: encode(0, 0, UInt32(cmp), 5)))
            #expect([4, 5, 6].map { op.wakesSecond(old: $0) } == row)
        }
    }

    @Test func undefinedOperationOrComparisonIsRejected() {
        #expect(FutexWakeOperation(encoded: encode(5, 0, 0, 0)) == nil)
        #expect(FutexWakeOperation(encoded: encode(7, 0, 0, 0)) == nil)
        #expect(FutexWakeOperation(encoded: encode(0, 0, 6, 0)) == nil)
        #expect(FutexWakeOperation(encoded: encode(0, 0, 15, 0)) == nil)
    }
}
