/// CPU sets as Linux prints them: lists ("0-3,6", sysfs `online` and `Cpus_allowed_list`)
/// and hex masks ("f", `Cpus_allowed`).
public enum CPUList {
    /// "0-3,6": runs of consecutive CPUs as ranges; `cpus` ascending.
    public static func ranges(_ cpus: [Int]) -> [UInt8] {
        var text = ProcText()
        var index = 0
        while index < cpus.count {
            var last = index
            while last + 1 < cpus.count && cpus[last + 1] == cpus[last] + 1 { last += 1 }
            if index > 0 { text.append(byte: 0x2C) }
            text.decimal(cpus[index])
            if last > index {
                text.append(byte: 0x2D)
                text.decimal(cpus[last])
            }
            index = last + 1
        }
        return text.bytes
    }

    /// `%*pb` for a system of `count` CPUs: hex digits for all of them, most significant
    /// first, a comma between groups of 32 CPUs.
    public static func mask(_ cpus: [Int], count: Int) -> [UInt8] {
        let total = max(count, (cpus.max() ?? 0) + 1)
        var words = [UInt32](repeating: 0, count: (total + 31) / 32)
        for cpu in cpus where cpu >= 0 { words[cpu / 32] |= 1 << UInt32(cpu % 32) }
        var text = ProcText()
        for index in stride(from: words.count - 1, through: 0, by: -1) {
            let bits = index == words.count - 1 ? total - index * 32 : 32
            text.hex(UInt64(words[index]), width: (bits + 3) / 4)
            if index > 0 { text.append(byte: 0x2C) }
        }
        return text.bytes
    }
}
