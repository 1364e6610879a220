/// The x86 feature names `/proc/cpuinfo` lists, from the CPUID registers Linux reads, in
/// Linux's order (`arch/x86/include/asm/cpufeatures.h`, words 0, 1, 4, 6, 9, 16 and 18, with
/// a few of its own synthetic flags). Programs look for names such as `sse4_2`, `avx2`,
/// `aes` or `hypervisor`.
public struct CPUFlags {
    /// CPUID.1:EDX and ECX.
    public var leaf1EDX: UInt32 = 0
    public var leaf1ECX: UInt32 = 0
    /// CPUID.80000001h:EDX and ECX.
    public var extendedEDX: UInt32 = 0
    public var extendedECX: UInt32 = 0
    /// CPUID.7.0:EBX, ECX and EDX.
    public var leaf7EBX: UInt32 = 0
    public var leaf7ECX: UInt32 = 0
    public var leaf7EDX: UInt32 = 0
    /// CPUID.0Dh.1:EAX (XSAVEOPT, XSAVEC, XGETBV1, XSAVES).
    public var xsaveEAX: UInt32 = 0
    /// The TSC is invariant (CPUID.80000007h:EDX bit 8): Linux adds constant_tsc and
    /// nonstop_tsc.
    public var invariantTSC = false

    public init() {}

    /// The names, in the order Linux prints them.
    public var names: [StaticString] {
        var result: [StaticString] = []
        Self.add(leaf1EDX, Self.leaf1EDXNames, to: &result)
        Self.add(extendedEDX, Self.extendedEDXNames, to: &result)
        if invariantTSC { result.append("constant_tsc") }
        result.append("rep_good")
        result.append("nopl")
        if invariantTSC { result.append("nonstop_tsc") }
        result.append("cpuid")
        Self.add(leaf1ECX, Self.leaf1ECXNames, to: &result)
        Self.add(extendedECX, Self.extendedECXNames, to: &result)
        Self.add(leaf7EBX, Self.leaf7EBXNames, to: &result)
        Self.add(xsaveEAX, Self.xsaveNames, to: &result)
        Self.add(leaf7ECX, Self.leaf7ECXNames, to: &result)
        Self.add(leaf7EDX, Self.leaf7EDXNames, to: &result)
        return result
    }

    /// The names of the CPUID.1 EDX and ECX bits alone, in that order: what OSv's
    /// `/hardware/processor/flags` lists.
    public var leaf1Names: [StaticString] {
        var result: [StaticString] = []
        Self.add(leaf1EDX, Self.leaf1EDXNames, to: &result)
        Self.add(leaf1ECX, Self.leaf1ECXNames, to: &result)
        return result
    }

    private static func add(_ register: UInt32, _ names: [(Int, StaticString)], to result: inout [StaticString]) {
        for (bit, name) in names where register & (1 << UInt32(bit)) != 0 { result.append(name) }
    }

    static let leaf1EDXNames: [(Int, StaticString)] = [
        (0, "fpu"), (1, "vme"), (2, "de"), (3, "pse"), (4, "tsc"), (5, "msr"), (6, "pae"), (7, "mce"), (8, "cx8"),
        (9, "apic"), (11, "sep"), (12, "mtrr"), (13, "pge"), (14, "mca"), (15, "cmov"), (16, "pat"), (17, "pse36"),
        (18, "pn"), (19, "clflush"), (21, "dts"), (22, "acpi"), (23, "mmx"), (24, "fxsr"), (25, "sse"), (26, "sse2"),
        (27, "ss"), (28, "ht"), (29, "tm"), (30, "ia64"), (31, "pbe"),
    ]
    static let extendedEDXNames: [(Int, StaticString)] = [
        (11, "syscall"), (19, "mp"), (20, "nx"), (22, "mmxext"), (25, "fxsr_opt"), (26, "pdpe1gb"), (27, "rdtscp"),
        (29, "lm"), (30, "3dnowext"), (31, "3dnow"),
    ]
    static let leaf1ECXNames: [(Int, StaticString)] = [
        (0, "pni"), (1, "pclmulqdq"), (2, "dtes64"), (3, "monitor"), (4, "ds_cpl"), (5, "vmx"), (6, "smx"), (7, "est"),
        (8, "tm2"), (9, "ssse3"), (10, "cid"), (11, "sdbg"), (12, "fma"), (13, "cx16"), (14, "xtpr"), (15, "pdcm"),
        (17, "pcid"), (18, "dca"), (19, "sse4_1"), (20, "sse4_2"), (21, "x2apic"), (22, "movbe"), (23, "popcnt"),
        (24, "tsc_deadline_timer"), (25, "aes"), (26, "xsave"), (28, "avx"), (29, "f16c"), (30, "rdrand"),
        (31, "hypervisor"),
    ]
    static let extendedECXNames: [(Int, StaticString)] = [
        (0, "lahf_lm"), (1, "cmp_legacy"), (2, "svm"), (3, "extapic"), (4, "cr8_legacy"), (5, "abm"), (6, "sse4a"),
        (7, "misalignsse"), (8, "3dnowprefetch"), (9, "osvw"), (10, "ibs"), (11, "xop"), (12, "skinit"), (13, "wdt"),
        (15, "lwp"), (16, "fma4"), (17, "tce"), (19, "nodeid_msr"), (21, "tbm"), (22, "topoext"), (23, "perfctr_core"),
        (24, "perfctr_nb"), (26, "bpext"), (27, "ptsc"), (28, "perfctr_llc"), (29, "mwaitx"),
    ]
    static let leaf7EBXNames: [(Int, StaticString)] = [
        (0, "fsgsbase"), (1, "tsc_adjust"), (2, "sgx"), (3, "bmi1"), (4, "hle"), (5, "avx2"), (7, "smep"), (8, "bmi2"),
        (9, "erms"), (10, "invpcid"), (11, "rtm"), (12, "cqm"), (14, "mpx"), (15, "rdt_a"), (16, "avx512f"),
        (17, "avx512dq"), (18, "rdseed"), (19, "adx"), (20, "smap"), (21, "avx512ifma"), (23, "clflushopt"),
        (24, "clwb"), (25, "intel_pt"), (26, "avx512pf"), (27, "avx512er"), (28, "avx512cd"), (29, "sha_ni"),
        (30, "avx512bw"), (31, "avx512vl"),
    ]
    static let xsaveNames: [(Int, StaticString)] = [(0, "xsaveopt"), (1, "xsavec"), (2, "xgetbv1"), (3, "xsaves")]
    static let leaf7ECXNames: [(Int, StaticString)] = [
        (1, "avx512vbmi"), (2, "umip"), (3, "pku"), (4, "ospke"), (5, "waitpkg"), (6, "avx512_vbmi2"), (8, "gfni"),
        (9, "vaes"), (10, "vpclmulqdq"), (11, "avx512_vnni"), (12, "avx512_bitalg"), (13, "tme"),
        (14, "avx512_vpopcntdq"), (16, "la57"), (22, "rdpid"), (24, "bus_lock_detect"), (25, "cldemote"),
        (27, "movdiri"), (28, "movdir64b"), (29, "enqcmd"), (30, "sgx_lc"),
    ]
    static let leaf7EDXNames: [(Int, StaticString)] = [
        (2, "avx512_4vnniw"), (3, "avx512_4fmaps"), (4, "fsrm"), (8, "avx512_vp2intersect"), (10, "md_clear"),
        (14, "serialize"), (16, "tsxldtrk"), (18, "pconfig"), (19, "arch_lbr"), (22, "amx_bf16"),
        (23, "avx512_fp16"), (24, "amx_tile"), (25, "amx_int8"), (28, "flush_l1d"), (29, "arch_capabilities"),
    ]
}
