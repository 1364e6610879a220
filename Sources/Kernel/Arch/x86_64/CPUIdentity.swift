#if SKIFF_KERNEL
import CKernel
import ProcFS

/// What /proc/cpuinfo says about the processor, read from CPUID: vendor, brand string,
/// family/model/stepping, caches, address sizes and the feature flags the kernel lets
/// applications use (AVX and AVX-512 only when their state is enabled in XCR0, as Linux
/// clears them otherwise).
enum CPUIdentity {
    static func describe(processor: Int, apicID: UInt32, count: Int) -> CPUInfo {
        var info = CPUInfo()
        let leaf0 = x86_cpuid(0, 0)
        let leaf1 = x86_cpuid(1, 0)
        info.processor = processor
        info.cpuidLevel = leaf0.eax
        info.vendor = bytes(of: [leaf0.ebx, leaf0.edx, leaf0.ecx])
        let baseFamily = (leaf1.eax >> 8) & 0xF
        info.family = baseFamily == 0xF ? baseFamily + (leaf1.eax >> 20) & 0xFF : baseFamily
        info.model = (leaf1.eax >> 4) & 0xF
        if baseFamily == 0x6 || baseFamily == 0xF { info.model |= ((leaf1.eax >> 16) & 0xF) << 4 }
        info.stepping = leaf1.eax & 0xF
        info.clflushSize = ((leaf1.ebx >> 8) & 0xFF) * 8
        info.kilohertz = TSC.hz / 1000
        info.apicID = apicID
        info.siblings = count
        info.cores = count
        info.coreID = processor
        let maxExtended = x86_cpuid(0x8000_0000, 0).eax
        if maxExtended >= 0x8000_0004 {
            var words: [UInt32] = []
            for leaf: UInt32 in 0x8000_0002...0x8000_0004 {
                let r = x86_cpuid(leaf, 0)
                words += [r.eax, r.ebx, r.ecx, r.edx]
            }
            var brand = bytes(of: words)
            while let last = brand.last, last == 0 || last == 0x20 { brand.removeLast() }
            while let first = brand.first, first == 0x20 { brand.removeFirst() }
            info.modelName = brand
        }
        if maxExtended >= 0x8000_0006 { info.cacheSizeKB = UInt64(x86_cpuid(0x8000_0006, 0).ecx >> 16) }
        if maxExtended >= 0x8000_0008 {
            let sizes = x86_cpuid(0x8000_0008, 0).eax
            info.physicalAddressBits = sizes & 0xFF
            info.virtualAddressBits = (sizes >> 8) & 0xFF
        }
        info.flags = flags.names
        return info
    }

    /// The feature flags, with those whose register state the kernel does not switch removed.
    static var flags: CPUFlags {
        var flags = CPUFlags()
        let leaf0 = x86_cpuid(0, 0)
        let leaf1 = x86_cpuid(1, 0)
        flags.leaf1EDX = leaf1.edx
        flags.leaf1ECX = leaf1.ecx
        if leaf0.eax >= 7 {
            let leaf7 = x86_cpuid(7, 0)
            flags.leaf7EBX = leaf7.ebx
            flags.leaf7ECX = leaf7.ecx
            flags.leaf7EDX = leaf7.edx
        }
        if leaf0.eax >= 0xD && CPUFeatures.hasXSAVE { flags.xsaveEAX = x86_cpuid(0xD, 1).eax }
        let maxExtended = x86_cpuid(0x8000_0000, 0).eax
        if maxExtended >= 0x8000_0001 {
            let extended = x86_cpuid(0x8000_0001, 0)
            flags.extendedEDX = extended.edx
            flags.extendedECX = extended.ecx
        }
        flags.invariantTSC = CPUFeatures.hasInvariantTSC
        let enabled = FPUState.xsaveMask
        if enabled & 0b110 != 0b110 {
            // No AVX state: AVX, FMA, F16C, AVX2 and everything built on them go.
            flags.leaf1ECX &= ~(1 << 28 | 1 << 12 | 1 << 29)
            flags.leaf7EBX &= ~(1 << 5)
        }
        if enabled & 0b1110_0000 != 0b1110_0000 {
            flags.leaf7EBX &= ~(1 << 16 | 1 << 17 | 1 << 21 | 1 << 26 | 1 << 27 | 1 << 28 | 1 << 30 | 1 << 31)
            flags.leaf7ECX &= ~(1 << 1 | 1 << 6 | 1 << 11 | 1 << 12 | 1 << 14)
            flags.leaf7EDX &= ~(1 << 2 | 1 << 3 | 1 << 8 | 1 << 23)
        }
        return flags
    }

    /// The bytes of CPUID registers as text (vendor and brand strings).
    private static func bytes(of words: [UInt32]) -> [UInt8] {
        var result: [UInt8] = []
        for word in words {
            for shift: UInt32 in [0, 8, 16, 24] { result.append(UInt8(truncatingIfNeeded: word >> shift)) }
        }
        return result
    }
}
#endif
