/// The tracepoint guards of one kernel function: conditional branches decided by a byte of the
/// enable tables (`skiff_trace_fixed`, `skiff_trace_syscalls` in CKernel/include/tracepoints.h),
/// and which instructions run only when such a byte is set.
///
/// A guard is found by following, within the function, what each register holds: the table's
/// address (`leaq skiff_trace_fixed(%rip), %rax`), or a byte loaded from it
/// (`movzbl 8(%rax), %r14d`). A `cmp $0`/`test` of such a byte (in memory or in a register that
/// still holds it) followed by `je`/`jne` is a guard; its "off" edge is the one taken when the
/// byte is zero (for `test $1`, when the bit is clear). An instruction is *guarded* when no path
/// from the function's entry reaches it without taking some guard's "on" edge. The flags must
/// come from the table byte itself: a branch on a called function's result is no guard, which
/// is what makes an out-of-line enable check show up as unguarded recording.
struct TracepointGuards {
    enum Table: String, CaseIterable {
        case fixed = "skiff_trace_fixed"
        case syscalls = "skiff_trace_syscalls"
    }

    struct Guard {
        /// The branch's instruction index.
        var branch: Int
        var table: Table
        /// The tracepoint ID the byte belongs to (fixed table, constant index); nil when indexed.
        var tracepoint: UInt64?
        /// Instruction indices reached from the "on" edge before rejoining unguarded code.
        var region: Set<Int>
    }

    /// What a register holds.
    enum Fact: Equatable {
        case tableAddress(Table, offset: UInt64)
        case tableByte(Table, index: UInt64?)
    }

    let function: Disassembly.Function
    private(set) var guards: [Guard] = []
    /// Instructions reachable from the entry without taking a guard's "on" edge.
    private(set) var unguarded: Set<Int> = []

    init(_ function: Disassembly.Function) {
        self.function = function
        let code = function.instructions
        var indexOf: [UInt64: Int] = [:]
        for (i, instruction) in code.enumerated() { indexOf[instruction.address] = i }
        var successors: [[Int]] = code.indices.map { i in
            let instruction = code[i]
            var next: [Int] = []
            if !instruction.endsFlow && i + 1 < code.count { next.append(i + 1) }
            if instruction.isJump, let target = instruction.target, let t = indexOf[target] { next.append(t) }
            return next
        }
        var predecessors = [[Int]](repeating: [], count: code.count)
        for (i, next) in successors.enumerated() { for n in next { predecessors[n].append(i) } }

        // What registers hold, reading the code in order; a join point keeps what all its
        // earlier predecessors agree on, and a loop's head (a later predecessor) knows nothing.
        var factsIn = [[String: Fact]](repeating: [:], count: code.count)
        var factsOut = [[String: Fact]](repeating: [:], count: code.count)
        for i in code.indices {
            let preds = predecessors[i]
            var facts: [String: Fact] = [:]
            if !preds.isEmpty && preds.allSatisfy({ $0 < i }) {
                facts = factsOut[preds[0]]
                for p in preds.dropFirst() { facts = facts.filter { factsOut[p][$0.key] == $0.value } }
            }
            factsIn[i] = facts
            factsOut[i] = Self.transfer(facts, code[i])
        }

        // Guards, and the edge each one takes when its tracepoint is off.
        var onEdges: [(branch: Int, on: Int, table: Table, tracepoint: UInt64?)] = []
        for i in code.indices where ["je", "jz", "jne", "jnz"].contains(code[i].mnemonic) {
            guard let target = code[i].target, let t = indexOf[target], i + 1 < code.count,
                let tested = Self.flagSource(before: i, code: code, predecessors: predecessors, factsIn: factsIn)
            else { continue }
            let jumpsWhenOff = code[i].mnemonic == "je" || code[i].mnemonic == "jz"
            let (on, off) = jumpsWhenOff ? (i + 1, t) : (t, i + 1)
            successors[i] = [off]
            onEdges.append((i, on, tested.table, tested.index))
        }

        // Code with no predecessor (the entry, and jump-table targets) starts unguarded.
        let seeds = code.indices.filter { $0 == 0 || predecessors[$0].isEmpty }
        unguarded = Self.reach(from: seeds, successors: successors, avoiding: [])
        var allEdges = successors
        for edge in onEdges { allEdges[edge.branch].append(edge.on) }
        for edge in onEdges {
            let region = Self.reach(from: [edge.on], successors: allEdges, avoiding: unguarded)
            guards.append(Guard(branch: edge.branch, table: edge.table, tracepoint: edge.tracepoint, region: region))
        }
    }

    /// Indices of instructions that call (or tail-call) a function `matching` the predicate.
    func calls(_ matching: (String) -> Bool) -> [Int] {
        function.instructions.indices.filter { i in
            let instruction = function.instructions[i]
            return (instruction.isCall || instruction.isUnconditionalJump) && instruction.symbol.map(matching) == true
                && instruction.symbolOffset == 0
        }
    }

    // MARK: Reading registers

    private static func reach(from seeds: [Int], successors: [[Int]], avoiding: Set<Int>) -> Set<Int> {
        var seen: Set<Int> = []
        var work = seeds.filter { !avoiding.contains($0) }
        while let i = work.popLast() {
            guard seen.insert(i).inserted else { continue }
            for n in successors[i] where !avoiding.contains(n) && !seen.contains(n) { work.append(n) }
        }
        return seen
    }

    /// Registers by family: `%r15b`, `%r15d` and `%r15` are one, as are `%al`, `%eax`, `%rax`.
    static func family(_ operand: String) -> String? {
        guard operand.hasPrefix("%") else { return nil }
        var name = String(operand.dropFirst())
        if name.hasPrefix("r"), let digit = name.dropFirst().first, digit.isNumber {
            while let last = name.last, !last.isNumber { name.removeLast() }
            return name
        }
        for legacy in ["ax", "bx", "cx", "dx", "si", "di", "bp", "sp"] {
            let short = legacy.hasSuffix("x") ? String(legacy.prefix(1)) : legacy
            if [legacy, "e" + legacy, "r" + legacy, short + "l", short + "h", legacy + "l"].contains(name) { return legacy }
        }
        return nil
    }

    /// Registers a call may change (System V).
    static let callerSaved = ["ax", "cx", "dx", "si", "di", "r8", "r9", "r10", "r11"]
    /// Instructions that change only their last operand.
    static let explicitWriters = [
        "mov", "lea", "add", "sub", "and", "or", "xor", "inc", "dec", "neg", "not", "shl", "shr", "sar", "sal", "rol",
        "ror", "set", "cmov", "adc", "sbb", "bswap", "bsf", "bsr", "tzcnt", "lzcnt", "popcnt", "pop",
    ]
    /// Instructions that change no register.
    static let readers = ["cmp", "test", "bt", "btl", "btq", "push", "j", "nop", "pause", "cli", "sti", "lfence", "mfence", "sfence", "ud2", "int3"]

    static func transfer(_ facts: [String: Fact], _ instruction: Disassembly.Instruction) -> [String: Fact] {
        var facts = facts
        let m = instruction.mnemonic
        let destination = instruction.operands.last.flatMap(family)
        if let table = instruction.symbol.flatMap(Table.init(rawValue:)), let destination, instruction.operands.count == 2 {
            if m.hasPrefix("lea") {
                facts[destination] = .tableAddress(table, offset: instruction.symbolOffset)
                return facts
            }
            if m.hasPrefix("movzb") || m == "movb" {
                facts[destination] = .tableByte(table, index: instruction.symbolOffset)
                return facts
            }
        }
        if (m.hasPrefix("movzb") || m == "movb"), instruction.operands.count == 2, let destination,
            let byte = tableByte(instruction.operands[0], instruction, facts)
        {
            facts[destination] = .tableByte(byte.table, index: byte.index)
            return facts
        }
        let reads = readers.contains { $0 == "bt" || $0 == "btl" || $0 == "btq" ? m == $0 : m.hasPrefix($0) }
        if reads && !m.hasPrefix("pushf") && !m.hasPrefix("cmpxchg") {
            return facts
        }
        if m.hasPrefix("call") {
            for r in callerSaved { facts[r] = nil }
            return facts
        }
        let isStringOperation = m.hasPrefix("movs") && (instruction.operands.count < 2 || instruction.operands.contains { $0.contains("%es:") })
        if explicitWriters.contains(where: { m.hasPrefix($0) }) && !isStringOperation {
            if let destination { facts[destination] = nil }
            return facts
        }
        // Anything else may change its operands and the registers instructions use implicitly.
        for operand in instruction.operands { if let r = family(operand) { facts[r] = nil } }
        for r in callerSaved { facts[r] = nil }
        return facts
    }

    /// The table byte an operand reads: a register holding one, `disp(%rip)` naming the table,
    /// or `disp(%base)` / `(%base,%index)` off a register holding the table's address.
    static func tableByte(_ operand: String, _ instruction: Disassembly.Instruction, _ facts: [String: Fact]) -> (table: Table, index: UInt64?)? {
        if let r = family(operand) {
            if case .tableByte(let table, let index) = facts[r] { return (table, index) }
            return nil
        }
        guard let open = operand.firstIndex(of: "("), operand.hasSuffix(")") else { return nil }
        let inside = operand[operand.index(after: open)..<operand.index(before: operand.endIndex)].split(separator: ",")
        let displacementText = operand[..<open]
        let displacement: Int64 =
            displacementText.isEmpty
            ? 0
            : (displacementText.hasPrefix("0x") ? Int64(displacementText.dropFirst(2), radix: 16) : Int64(displacementText)) ?? 0
        guard let base = inside.first.map(String.init) else { return nil }
        if base == "%rip" {
            guard let table = instruction.symbol.flatMap(Table.init(rawValue:)) else { return nil }
            return (table, instruction.symbolOffset)
        }
        guard let r = family(base), case .tableAddress(let table, let offset) = facts[r] else { return nil }
        if inside.count > 1 { return (table, nil) }
        return (table, UInt64(bitPattern: Int64(bitPattern: offset) &+ displacement))
    }

    /// Flag-neutral instructions that may sit between a test and its branch.
    static let flagNeutral = ["mov", "lea", "nop", "push", "pop", "cmov", "set", "not"]

    /// The table byte that set the flags `code[branch]` tests: its `cmp $0` or `test`, found by
    /// stepping back over flag-neutral instructions that nothing else jumps to.
    static func flagSource(before branch: Int, code: [Disassembly.Instruction], predecessors: [[Int]], factsIn: [[String: Fact]]) -> (
        table: Table, index: UInt64?
    )? {
        var k = branch - 1
        while k >= 0 {
            guard predecessors[k + 1] == [k] else { return nil }  // flags from more than one path
            let m = code[k].mnemonic
            if flagNeutral.contains(where: { m.hasPrefix($0) }) && !m.hasPrefix("pushf") && !m.hasPrefix("popf") {
                k -= 1
                continue
            }
            let operands = code[k].operands
            guard operands.count == 2 else { return nil }
            if m.hasPrefix("cmp") {
                guard operands[0] == "$0" || operands[0] == "$0x0" else { return nil }
                return tableByte(operands[1], code[k], factsIn[k])
            }
            if m.hasPrefix("test") {
                if operands[0].hasPrefix("$") { return tableByte(operands[1], code[k], factsIn[k]) }
                guard operands[0] == operands[1] else { return nil }
                return tableByte(operands[0], code[k], factsIn[k])
            }
            return nil
        }
        return nil
    }
}
