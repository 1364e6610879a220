/// The one-line system files of /proc.
public enum SystemReports {
    /// `/proc/uptime`: seconds since boot and seconds all CPUs spent idle, two decimals each.
    public static func uptime(nanoseconds: UInt64, idleNanoseconds: UInt64) -> [UInt8] {
        var t = ProcText()
        t.fraction(nanoseconds / 10_000_000, scale: 100, decimals: 2)
        t.append(byte: ProcText.space)
        t.fraction(idleNanoseconds / 10_000_000, scale: 100, decimals: 2)
        t.newline()
        return t.bytes
    }

    /// `/proc/loadavg`: the three load averages (sysinfo's fixed point, 1 << 16 = 1.0),
    /// runnable/total scheduling entities, and the last process ID handed out.
    public static func loadAverage(
        _ loads: (UInt64, UInt64, UInt64), runnable: Int, threads: Int, lastPID: Int32
    ) -> [UInt8] {
        var t = ProcText()
        for load in [loads.0, loads.1, loads.2] {
            // Rounded to the hundredth, as Linux's loadavg_proc_show adds FIXED_1/200.
            let rounded = load &+ (1 << 16) / 200
            t.decimal(rounded >> 16)
            t.append(byte: 0x2E)
            t.zeroPadded(((rounded & 0xFFFF) &* 100) >> 16, width: 2)
            t.append(byte: ProcText.space)
        }
        t.decimal(runnable)
        t.append(byte: 0x2F)
        t.decimal(threads)
        t.append(byte: ProcText.space)
        t.decimal(signed: Int64(lastPID))
        t.newline()
        return t.bytes
    }

    /// `/proc/filesystems`: "nodev" for file systems without a block device.
    public static func fileSystems(_ types: [(name: StaticString, needsDevice: Bool)]) -> [UInt8] {
        var t = ProcText()
        for type in types {
            if !type.needsDevice { t.append("nodev") }
            t.append(byte: ProcText.tab)
            t.append(type.name)
            t.newline()
        }
        return t.bytes
    }

    /// NUL-terminated strings one after another (`cmdline`, `environ`).
    public static func nulSeparated(_ strings: [[UInt8]]) -> [UInt8] {
        var bytes: [UInt8] = []
        for s in strings {
            bytes.append(contentsOf: s)
            bytes.append(0)
        }
        return bytes
    }

    /// A 128-bit value as a UUID in text ("8-4-4-4-12" lowercase hex), with the version 4
    /// and variant bits set (`/proc/sys/kernel/random/uuid`, `boot_id`).
    public static func uuid(_ random: [UInt8]) -> [UInt8] {
        var bytes = random
        while bytes.count < 16 { bytes.append(0) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        var t = ProcText()
        for (index, byte) in bytes.prefix(16).enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { t.append(byte: 0x2D) }
            t.hex(UInt64(byte), width: 2)
        }
        t.newline()
        return t.bytes
    }

    /// A number and a newline, what most /proc/sys and sysfs files hold.
    public static func number(_ value: Int64) -> [UInt8] {
        var t = ProcText()
        t.decimal(signed: value)
        t.newline()
        return t.bytes
    }

    /// A line of text with its newline.
    public static func line(_ text: [UInt8]) -> [UInt8] { text + [ProcText.newline] }
}
