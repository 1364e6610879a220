/// Text forms for logs, /etc files and the monitoring API: dotted quads, and IPv6 as RFC 5952
/// recommends (lower-case hex, leading zeros dropped, the longest run of two or more zero
/// groups as `::`, IPv4-mapped addresses with a dotted tail).
extension IPv4Address: CustomStringConvertible {
    public var description: String {
        var s = ""
        for shift in [24, 16, 8, 0] as [UInt32] {
            if !s.isEmpty { s += "." }
            s += String(UInt8(truncatingIfNeeded: rawValue >> shift))
        }
        return s
    }
}

extension IPv6Address: CustomStringConvertible {
    public var groups: [UInt16] {
        var g: [UInt16] = []
        for i in 0..<4 { g.append(UInt16(truncatingIfNeeded: high >> UInt64(48 - 16 * i))) }
        for i in 0..<4 { g.append(UInt16(truncatingIfNeeded: low >> UInt64(48 - 16 * i))) }
        return g
    }

    public var description: String {
        if let v4 = ipv4Mapped { return "::ffff:" + v4.description }
        let g = groups
        var bestStart = -1
        var bestLength = 1
        var i = 0
        while i < 8 {
            if g[i] == 0 {
                var j = i
                while j < 8 && g[j] == 0 { j += 1 }
                if j - i > bestLength {
                    bestStart = i
                    bestLength = j - i
                }
                i = j
            } else {
                i += 1
            }
        }
        var s = ""
        // Whether the text so far ends in a separator (`::`), so the next group needs none.
        var separated = true
        i = 0
        while i < 8 {
            if i == bestStart {
                s += "::"
                separated = true
                i += bestLength
                continue
            }
            if !separated { s += ":" }
            separated = false
            s += Self.hex(g[i])
            i += 1
        }
        return s
    }

    static func hex(_ v: UInt16) -> String {
        let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"]
        var s = ""
        var started = false
        for shift in [12, 8, 4, 0] as [UInt16] {
            let d = Int((v >> shift) & 0xF)
            if d != 0 || started || shift == 0 {
                s.append(digits[d])
                started = true
            }
        }
        return s
    }
}

extension IPAddress: CustomStringConvertible {
    public var description: String {
        switch self {
        case .v4(let a): a.description
        case .v6(let a): a.description
        }
    }
}
