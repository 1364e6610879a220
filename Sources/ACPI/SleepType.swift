/// The SLP_TYP values for a sleep state, read from the DSDT's `\_Sx` package.
///
/// A full AML interpreter is not needed for power-off: `_S5` is always a `Name` whose package
/// begins with two integers. This scanner finds the name and decodes those integers, accepting
/// the encodings compilers emit (ZeroOp, OneOp, BytePrefix, WordPrefix).
public struct SleepType: Equatable {
    public var a: UInt8
    public var b: UInt8

    public init(a: UInt8, b: UInt8) {
        self.a = a
        self.b = b
    }

    /// Finds `\_S5_` (or another state, e.g. "_S3_") in an AML table body.
    public init?(state: String = "_S5_", aml: UnsafeRawBufferPointer) {
        let name = Array(state.utf8)
        guard name.count == 4, aml.count > 8 else { return nil }
        var i = 0
        while i + 4 < aml.count {
            if aml[i] == name[0] && aml[i + 1] == name[1] && aml[i + 2] == name[2] && aml[i + 3] == name[3] {
                // Expect NameOp (0x08) before the name, optionally with a root prefix '\'.
                let isName = (i >= 1 && aml[i - 1] == 0x08) || (i >= 2 && aml[i - 1] == 0x5C && aml[i - 2] == 0x08)
                if isName, let parsed = Self.decodePackage(aml, at: i + 4) {
                    self = parsed
                    return
                }
            }
            i += 1
        }
        return nil
    }

    private static func decodePackage(_ aml: UnsafeRawBufferPointer, at start: Int) -> SleepType? {
        var p = start
        guard p < aml.count, aml[p] == 0x12 else { return nil }  // PackageOp
        p += 1
        guard p < aml.count else { return nil }
        let lengthBytes = Int(aml[p] >> 6)  // PkgLength: extra bytes in bits 6-7
        p += 1 + lengthBytes
        p += 1  // NumElements
        var values: [UInt8] = []
        while values.count < 2 && p < aml.count {
            switch aml[p] {
            case 0x00: values.append(0); p += 1  // ZeroOp
            case 0x01: values.append(1); p += 1  // OneOp
            case 0x0A:  // BytePrefix
                guard p + 1 < aml.count else { return nil }
                values.append(aml[p + 1]); p += 2
            case 0x0B:  // WordPrefix
                guard p + 2 < aml.count else { return nil }
                values.append(aml[p + 1]); p += 3
            case 0x0C:  // DWordPrefix
                guard p + 4 < aml.count else { return nil }
                values.append(aml[p + 1]); p += 5
            default: return nil
            }
        }
        guard values.count == 2 else { return values.count == 1 ? SleepType(a: values[0], b: values[0]) : nil }
        return SleepType(a: values[0], b: values[1])
    }
}
