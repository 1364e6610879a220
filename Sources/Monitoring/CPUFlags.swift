/// Linux's names for the CPUID leaf 1 feature bits, as /proc/cpuinfo and OSv's
/// `/hardware/processor/flags` list them.
public enum CPUFlags {
    static let edxNames: [StaticString] = [
        "fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", "", "sep", "mtrr", "pge", "mca", "cmov",
        "pat", "pse36", "pn", "clflush", "", "dts", "acpi", "mmx", "fxsr", "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe",
    ]
    static let ecxNames: [StaticString] = [
        "pni", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx", "smx", "est", "tm2", "ssse3", "cid", "sdbg", "fma",
        "cx16", "xtpr", "pdcm", "", "pcid", "dca", "sse4_1", "sse4_2", "x2apic", "movbe", "popcnt", "tsc_deadline_timer",
        "aes", "xsave", "", "avx", "f16c", "rdrand", "hypervisor",
    ]

    /// The names of the bits set in CPUID.1:EDX and ECX.
    public static func names(edx: UInt32, ecx: UInt32) -> [String] {
        var result: [String] = []
        for (bits, names) in [(edx, edxNames), (ecx, ecxNames)] {
            for i in 0..<32 where bits & (1 << UInt32(i)) != 0 && names[i].utf8CodeUnitCount > 0 {
                result.append(String(decoding: UnsafeBufferPointer(start: names[i].utf8Start, count: names[i].utf8CodeUnitCount), as: UTF8.self))
            }
        }
        return result
    }
}
