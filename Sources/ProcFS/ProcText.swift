/// A text being rendered for a procfs or sysfs file, with the few `printf` conversions Linux's
/// `seq_file` users need: decimals right-aligned in a width, zero-padded hex and octal,
/// left-aligned fields, and fixed-point fractions. Bytes, not `String`s: nothing here needs
/// Unicode, and the kernel must not pull in its tables.
public struct ProcText {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public static let space: UInt8 = 0x20
    public static let tab: UInt8 = 0x09
    public static let newline: UInt8 = 0x0A

    public var count: Int { bytes.count }

    public mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func append(_ text: [UInt8]) { bytes.append(contentsOf: text) }

    public mutating func append(byte: UInt8) { bytes.append(byte) }

    public mutating func newline() { bytes.append(Self.newline) }

    /// `%*lu`: `value` in decimal, right-aligned in `width` columns (padded with spaces).
    public mutating func decimal(_ value: UInt64, width: Int = 0) {
        let digits = Self.digits(value, base: 10)
        pad(to: width - digits.count)
        bytes.append(contentsOf: digits)
    }

    /// `%0*lu`: `value` in decimal, zero-padded to at least `width` digits.
    public mutating func zeroPadded(_ value: UInt64, width: Int) {
        let digits = Self.digits(value, base: 10)
        for _ in 0..<max(0, width - digits.count) { bytes.append(0x30) }
        bytes.append(contentsOf: digits)
    }

    /// `%d` of a signed value.
    public mutating func decimal(signed value: Int64, width: Int = 0) {
        let digits = Self.digits(value.magnitude, base: 10)
        let length = digits.count + (value < 0 ? 1 : 0)
        pad(to: width - length)
        if value < 0 { bytes.append(0x2D) }
        bytes.append(contentsOf: digits)
    }

    public mutating func decimal(_ value: Int, width: Int = 0) { decimal(signed: Int64(value), width: width) }

    /// `%0*lx`: lowercase hex, zero-padded to at least `width` digits.
    public mutating func hex(_ value: UInt64, width: Int = 0) {
        let digits = Self.digits(value, base: 16)
        for _ in 0..<max(0, width - digits.count) { bytes.append(0x30) }
        bytes.append(contentsOf: digits)
    }

    /// `%0*o`: octal, zero-padded to at least `width` digits.
    public mutating func octal(_ value: UInt64, width: Int = 0) {
        let digits = Self.digits(value, base: 8)
        for _ in 0..<max(0, width - digits.count) { bytes.append(0x30) }
        bytes.append(contentsOf: digits)
    }

    /// `%-*s`: `text`, then spaces up to `width` columns.
    public mutating func leftAligned(_ text: [UInt8], width: Int) {
        bytes.append(contentsOf: text)
        pad(to: width - text.count)
    }

    public mutating func leftAligned(_ text: StaticString, width: Int) {
        leftAligned(text.withUTF8Buffer { Array($0) }, width: width)
    }

    /// `value / scale` with `decimals` digits after the point (truncated, as the kernel's
    /// integer arithmetic prints it): `fraction(12345, scale: 100, decimals: 2)` is "123.45".
    public mutating func fraction(_ value: UInt64, scale: UInt64, decimals: Int) {
        decimal(value / scale)
        bytes.append(0x2E)
        var unit: UInt64 = 1
        for _ in 0..<decimals { unit &*= 10 }
        zeroPadded(value % scale &* unit / scale, width: decimals)
    }

    /// Spaces until the current line is `column` bytes long (`seq_pad`); nothing when it is
    /// already that long.
    public mutating func pad(toColumn column: Int) {
        var lineStart = bytes.count
        while lineStart > 0 && bytes[lineStart - 1] != Self.newline { lineStart -= 1 }
        pad(to: column - (bytes.count - lineStart))
    }

    private mutating func pad(to count: Int) {
        for _ in 0..<max(0, count) { bytes.append(Self.space) }
    }

    static func digits(_ value: UInt64, base: UInt64) -> [UInt8] {
        var digits: [UInt8] = []
        var v = value
        repeat {
            let d = UInt8(v % base)
            digits.append(d < 10 ? 0x30 + d : 0x61 + d - 10)
            v /= base
        } while v != 0
        return digits.reversed()
    }
}
