/// The dump as text on the serial console, framed so a console log can carry it:
///
///     skiff-trace-begin 1
///     U0tUUiAAAAABAAAAAQAAAADk…   (base64, 76 characters a line)
///     skiff-trace-end 123456 1a2b3c4d
///
/// The end line gives the byte count and the CRC-32 (hex) of the dump. `skiff run` takes the
/// block out of what it shows and saves it; `skiff trace` also reads it from any console log.
public struct TraceConsoleFrame<Output: TraceByteSink>: TraceByteSink {
    public static var beginMarker: StaticString { "skiff-trace-begin 1" }
    public static var endMarker: StaticString { "skiff-trace-end " }

    public var output: Output
    private var pending: (UInt8, UInt8, UInt8) = (0, 0, 0)
    private var pendingCount = 0
    private var line: [UInt8] = []
    private var crc = CRC32()
    private var total = 0

    public init(output: Output) {
        self.output = output
        line.reserveCapacity(80)
    }

    /// The begin line.
    public mutating func begin() {
        emit(Self.beginMarker)
        emitNewline()
    }

    public mutating func write(_ bytes: UnsafeRawBufferPointer) {
        for b in bytes {
            crc.update(b)
            total += 1
            switch pendingCount {
            case 0: pending.0 = b
            case 1: pending.1 = b
            default: pending.2 = b
            }
            pendingCount += 1
            if pendingCount == 3 {
                encode(count: 3)
                pendingCount = 0
            }
        }
    }

    /// Flushes the last group and line and writes the end line.
    public mutating func finish() {
        if pendingCount > 0 {
            if pendingCount == 1 { pending.1 = 0 }
            pending.2 = 0
            encode(count: pendingCount)
            pendingCount = 0
        }
        if !line.isEmpty { flushLine() }
        emit(Self.endMarker)
        var text = Array("\(total) ".utf8)
        text.append(contentsOf: Self.hex(crc.checksum))
        text.withUnsafeBytes { output.write($0) }
        emitNewline()
    }

    static func hex(_ v: UInt32) -> [UInt8] {
        let digits = Array("0123456789abcdef".utf8)
        return (0..<8).map { digits[Int((v >> (28 - 4 * UInt32($0))) & 0xF)] }
    }

    private mutating func encode(count: Int) {
        let alphabet = Base64.alphabet
        let v = UInt32(pending.0) << 16 | UInt32(pending.1) << 8 | UInt32(pending.2)
        line.append(alphabet[Int(v >> 18 & 63)])
        line.append(alphabet[Int(v >> 12 & 63)])
        line.append(count > 1 ? alphabet[Int(v >> 6 & 63)] : UInt8(ascii: "="))
        line.append(count > 2 ? alphabet[Int(v & 63)] : UInt8(ascii: "="))
        if line.count >= 76 { flushLine() }
    }

    private mutating func flushLine() {
        line.withUnsafeBytes { output.write($0) }
        line.removeAll(keepingCapacity: true)
        emitNewline()
    }

    private mutating func emit(_ s: StaticString) {
        output.write(UnsafeRawBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    private mutating func emitNewline() {
        var nl: UInt8 = 0x0A
        withUnsafeBytes(of: &nl) { output.write($0) }
    }
}

/// Base64 (RFC 4648) for the console frame.
public enum Base64 {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Decodes base64 text, ignoring whitespace; nil on any other stray character.
    public static func decode(_ text: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.count * 3 / 4)
        var group: UInt32 = 0
        var n = 0
        var padding = 0
        for c in text {
            let v: UInt32
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = UInt32(c - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = UInt32(c - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = UInt32(c - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"): v = 62
            case UInt8(ascii: "/"): v = 63
            case UInt8(ascii: "="):
                padding += 1
                v = 0
            case 0x0A, 0x0D, 0x20, 0x09: continue
            default: return nil
            }
            if padding > 0 && c != UInt8(ascii: "=") { return nil }
            group = group << 6 | v
            n += 1
            if n == 4 {
                out.append(UInt8(truncatingIfNeeded: group >> 16))
                if padding < 2 { out.append(UInt8(truncatingIfNeeded: group >> 8)) }
                if padding < 1 { out.append(UInt8(truncatingIfNeeded: group)) }
                group = 0
                n = 0
            }
        }
        return n == 0 ? out : nil
    }
}

/// Finds a framed dump in console text and checks it.
public enum TraceConsoleExtractor {
    /// The dump bytes of the last framed block in `console` (lines may end in CR LF), or why there
    /// is none.
    public static func extract(from console: [UInt8]) throws(TraceDumpError) -> [UInt8] {
        let begin = Array(TraceConsoleFrame<[UInt8]>.beginMarker.utf8Bytes)
        let end = Array(TraceConsoleFrame<[UInt8]>.endMarker.utf8Bytes)
        var lines: [ArraySlice<UInt8>] = []
        for var line in console.split(separator: 0x0A, omittingEmptySubsequences: false) {
            if line.last == 0x0D { line = line.dropLast() }
            lines.append(line)
        }
        guard let start = lines.lastIndex(where: { $0.elementsEqual(begin) }) else {
            throw TraceDumpError("no trace dump in the console output (boot with --trace=PATTERNS or --sampler=HZ)")
        }
        var text: [UInt8] = []
        var i = start + 1
        while i < lines.count, !lines[i].starts(with: end) {
            text.append(contentsOf: lines[i])
            i += 1
        }
        guard i < lines.count else { throw TraceDumpError("the trace dump is cut off (no end line)") }
        let fields = lines[i].dropFirst(end.count).split(separator: UInt8(ascii: " "))
        guard fields.count == 2, let count = Int(String(decoding: fields[0], as: UTF8.self)),
            let crc = UInt32(String(decoding: fields[1], as: UTF8.self), radix: 16)
        else { throw TraceDumpError("malformed trace end line") }
        guard let bytes = Base64.decode(text) else { throw TraceDumpError("the trace dump is not valid base64 (console noise inside it?)") }
        guard bytes.count == count else { throw TraceDumpError("the trace dump has \(bytes.count) bytes, the end line says \(count)") }
        guard CRC32.checksum(bytes) == crc else { throw TraceDumpError("the trace dump's checksum does not match") }
        return bytes
    }

    /// `console` without framed blocks (what `skiff run` shows); other lines are kept as they are.
    public static func strip(_ console: [UInt8]) -> [UInt8] {
        let begin = Array(TraceConsoleFrame<[UInt8]>.beginMarker.utf8Bytes)
        let end = Array(TraceConsoleFrame<[UInt8]>.endMarker.utf8Bytes)
        var out: [UInt8] = []
        var inside = false
        var first = true
        for raw in console.split(separator: 0x0A, omittingEmptySubsequences: false) {
            let line = raw.last == 0x0D ? raw.dropLast() : raw
            if !inside && line.elementsEqual(begin) {
                inside = true
                continue
            }
            if inside {
                if line.starts(with: end) { inside = false }
                continue
            }
            if !first { out.append(0x0A) }
            out.append(contentsOf: raw)
            first = false
        }
        return out
    }
}

extension StaticString {
    var utf8Bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: utf8Start, count: utf8CodeUnitCount) }
}
