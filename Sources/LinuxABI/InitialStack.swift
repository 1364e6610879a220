/// The stack a new Linux program starts with, as the System V x86-64 ABI and Linux lay it out:
///
///     rsp → argc
///           argv[0…argc-1], NULL
///           envp[…], NULL
///           auxv (key, value) pairs, AT_NULL
///           padding, then the strings and the 16 AT_RANDOM bytes near the top
///
/// Built as bytes for a given top address so the kernel copies it in one go, and tested on the
/// host.
public struct InitialStack {
    /// The bytes to place so that they end at `top`.
    public var bytes: [UInt8]
    /// The initial stack pointer: 16-byte aligned, pointing at argc.
    public var stackPointer: UInt64
    /// The whole auxiliary vector as it lies on the stack, (key, value) words ending with
    /// AT_NULL: what /proc/PID/auxv shows.
    public var auxiliaryWords: [UInt64] = []

    /// - Parameters:
    ///   - auxiliary: entries other than AT_RANDOM, AT_EXECFN and AT_PLATFORM, which are added
    ///     here because they point into this stack.
    public init(
        top: UInt64, arguments: [[UInt8]], environment: [[UInt8]], auxiliary: [(UInt64, UInt64)],
        random: [UInt8], executableName: [UInt8], platform: [UInt8] = Array("x86_64".utf8)
    ) {
        // Strings area, growing down from the top.
        var strings: [UInt8] = []
        func add(_ s: [UInt8]) -> Int {
            let o = strings.count
            strings.append(contentsOf: s)
            strings.append(0)
            return o
        }
        let argumentOffsets = arguments.map { add($0) }
        let environmentOffsets = environment.map { add($0) }
        let nameOffset = add(executableName)
        let platformOffset = add(platform)
        var randomBytes = random
        while randomBytes.count < 16 { randomBytes.append(0) }
        let randomOffset = strings.count
        strings.append(contentsOf: randomBytes[0..<16])
        // Strings end 8 bytes below top (Linux leaves a NULL word at the very top).
        let stringsStart = (top - 8 - UInt64(strings.count)) & ~15

        let aux = auxiliary + [
            (AuxiliaryVector.random, stringsStart + UInt64(randomOffset)),
            (AuxiliaryVector.executableName, stringsStart + UInt64(nameOffset)),
            (AuxiliaryVector.platform, stringsStart + UInt64(platformOffset)),
            (AuxiliaryVector.null, 0),
        ]
        let words = 1 + arguments.count + 1 + environment.count + 1 + aux.count * 2
        let pointerStart = (stringsStart - UInt64(words * 8)) & ~15
        stackPointer = pointerStart

        var table: [UInt64] = [UInt64(arguments.count)]
        for o in argumentOffsets { table.append(stringsStart + UInt64(o)) }
        table.append(0)
        for o in environmentOffsets { table.append(stringsStart + UInt64(o)) }
        table.append(0)
        for (k, v) in aux {
            table.append(k)
            table.append(v)
            auxiliaryWords.append(k)
            auxiliaryWords.append(v)
        }

        var out = [UInt8](repeating: 0, count: Int(top - pointerStart))
        for (i, word) in table.enumerated() {
            var w = word.littleEndian
            withUnsafeBytes(of: &w) { raw in
                for b in 0..<8 { out[i * 8 + b] = raw[b] }
            }
        }
        let stringsIndex = Int(stringsStart - pointerStart)
        for (i, b) in strings.enumerated() { out[stringsIndex + i] = b }
        bytes = out
    }

    /// Where `bytes` begins.
    public var bottom: UInt64 { stackPointer }
}
