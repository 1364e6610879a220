import Foundation

/// A parsed `llvm-objdump -d --no-show-raw-insn` listing (AT&T syntax): functions and their
/// instructions, with branch targets and the symbols operands name. Enough to follow control
/// flow inside a function; build checks read the kernel this way (`TracepointCostCheck`).
public struct Disassembly: Sendable {
    public struct Instruction: Sendable, Equatable {
        public var address: UInt64
        public var mnemonic: String
        /// The operands as written, split at top-level commas (`4(%rax)`, `%r15b`).
        public var operands: [String]
        /// A direct branch or call's destination.
        public var target: UInt64?
        /// The symbol the instruction names (`<skiff_trace_fixed+0x4>` in a comment or a branch
        /// operand) and the offset into it.
        public var symbol: String?
        public var symbolOffset: UInt64 = 0

        public var isCall: Bool { mnemonic.hasPrefix("call") }
        public var isJump: Bool { mnemonic.hasPrefix("j") }
        public var isUnconditionalJump: Bool { mnemonic == "jmp" || mnemonic == "jmpq" }
        public var isConditionalJump: Bool { isJump && !isUnconditionalJump }
        public var isIndirect: Bool { operands.first?.hasPrefix("*") ?? false }
        /// Execution never goes on to the next instruction.
        public var endsFlow: Bool { isUnconditionalJump || mnemonic.hasPrefix("ret") || mnemonic == "ud2" || mnemonic == "int3" }
    }

    public struct Function: Sendable {
        public var name: String
        public var address: UInt64
        public var instructions: [Instruction]
    }

    public var functions: [Function] = []

    public init(_ text: String) {
        var current: Function? = nil
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if let header = Self.functionHeader(line) {
                if let f = current { functions.append(f) }
                current = Function(name: header.name, address: header.address, instructions: [])
            } else if let instruction = Self.instruction(line) {
                current?.instructions.append(instruction)
            }
        }
        if let f = current { functions.append(f) }
    }

    /// `000000000022ea60 <name>:`
    static func functionHeader(_ line: Substring) -> (name: String, address: UInt64)? {
        guard line.hasSuffix(">:"), let space = line.firstIndex(of: " "), let address = UInt64(line[..<space], radix: 16),
            line[line.index(after: space)...].hasPrefix("<")
        else { return nil }
        let name = line[line.index(space, offsetBy: 2)..<line.index(line.endIndex, offsetBy: -2)]
        return (String(name), address)
    }

    /// `  22ea9d:      \tje\t0x22eaa7 <f+0x47>` or `  22ea8d: \tleaq\t791948(%rip), %rax # 0x2f0020 <t>`
    static func instruction(_ line: Substring) -> Instruction? {
        guard let colon = line.firstIndex(of: ":"),
            let address = UInt64(line[..<colon].trimmingCharacters(in: .whitespaces), radix: 16)
        else { return nil }
        var rest = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        var comment = ""
        if let hash = rest.firstIndex(of: "#") {
            comment = String(rest[rest.index(after: hash)...])
            rest = String(rest[..<hash]).trimmingCharacters(in: .whitespaces)
        }
        let parts = rest.split(maxSplits: 1, whereSeparator: { $0 == "\t" || $0 == " " })
        guard let first = parts.first else { return nil }
        var instruction = Instruction(address: address, mnemonic: String(first), operands: [])
        var operandText = parts.count > 1 ? String(parts[1]).trimmingCharacters(in: .whitespaces) : ""
        if let open = operandText.lastIndex(of: "<"), operandText.hasSuffix(">") {
            // A branch: `0x22eaa7 <f+0x47>`
            instruction.setSymbol(String(operandText[operandText.index(after: open)..<operandText.index(before: operandText.endIndex)]))
            operandText = String(operandText[..<open]).trimmingCharacters(in: .whitespaces)
            if operandText.hasPrefix("0x") { instruction.target = UInt64(operandText.dropFirst(2), radix: 16) }
        } else if let open = comment.lastIndex(of: "<"), let close = comment.lastIndex(of: ">"), open < close {
            instruction.setSymbol(String(comment[comment.index(after: open)..<close]))
        }
        instruction.operands = Self.splitOperands(operandText)
        return instruction
    }

    /// Splits at commas outside parentheses: `$0, 4(%rax,%rbx,8)` is two operands.
    static func splitOperands(_ text: String) -> [String] {
        guard !text.isEmpty else { return [] }
        var result: [String] = []
        var depth = 0
        var current = ""
        for c in text {
            if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
            if c == "," && depth == 0 {
                result.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(c)
            }
        }
        result.append(current.trimmingCharacters(in: .whitespaces))
        return result
    }
}

extension Disassembly.Instruction {
    mutating func setSymbol(_ text: String) {
        if let plus = text.lastIndex(of: "+"), text[text.index(after: plus)...].hasPrefix("0x"),
            let offset = UInt64(text[text.index(plus, offsetBy: 3)...], radix: 16)
        {
            symbol = String(text[..<plus])
            symbolOffset = offset
        } else {
            symbol = text
        }
    }
}
