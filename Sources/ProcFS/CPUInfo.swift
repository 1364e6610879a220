/// One processor's block of `/proc/cpuinfo`, in the x86 layout (`show_cpuinfo`), each block
/// followed by an empty line.
public struct CPUInfo {
    public var processor: Int = 0
    public var vendor: [UInt8] = []
    public var family: UInt32 = 0
    public var model: UInt32 = 0
    public var modelName: [UInt8] = []
    public var stepping: UInt32 = 0
    public var microcode: UInt32 = 0x1
    /// The clock in kHz (`cpu MHz` shows three decimals).
    public var kilohertz: UInt64 = 0
    public var cacheSizeKB: UInt64 = 0
    public var physicalID: Int = 0
    public var siblings: Int = 1
    public var coreID: Int = 0
    public var cores: Int = 1
    public var apicID: UInt32 = 0
    /// The highest standard CPUID leaf.
    public var cpuidLevel: UInt32 = 0
    public var flags: [StaticString] = []
    public var clflushSize: UInt32 = 64
    public var physicalAddressBits: UInt32 = 40
    public var virtualAddressBits: UInt32 = 48

    public init() {}

    public func append(to t: inout ProcText) {
        t.append("processor\t: ")
        t.decimal(processor)
        t.append("\nvendor_id\t: ")
        t.append(vendor)
        t.append("\ncpu family\t: ")
        t.decimal(UInt64(family))
        t.append("\nmodel\t\t: ")
        t.decimal(UInt64(model))
        t.append("\nmodel name\t: ")
        t.append(modelName.isEmpty ? Array("unknown".utf8) : modelName)
        t.append("\nstepping\t: ")
        t.decimal(UInt64(stepping))
        t.append("\nmicrocode\t: 0x")
        t.hex(UInt64(microcode))
        t.append("\ncpu MHz\t\t: ")
        t.fraction(kilohertz, scale: 1000, decimals: 3)
        t.append("\ncache size\t: ")
        t.decimal(cacheSizeKB)
        t.append(" KB\nphysical id\t: ")
        t.decimal(physicalID)
        t.append("\nsiblings\t: ")
        t.decimal(siblings)
        t.append("\ncore id\t\t: ")
        t.decimal(coreID)
        t.append("\ncpu cores\t: ")
        t.decimal(cores)
        t.append("\napicid\t\t: ")
        t.decimal(UInt64(apicID))
        t.append("\ninitial apicid\t: ")
        t.decimal(UInt64(apicID))
        t.append("\nfpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: ")
        t.decimal(UInt64(cpuidLevel))
        t.append("\nwp\t\t: yes\nflags\t\t:")
        for flag in flags {
            t.append(byte: ProcText.space)
            t.append(flag)
        }
        t.append("\nbugs\t\t:\nbogomips\t: ")
        // Linux: loops_per_jiffy derived from the TSC, twice the MHz.
        t.fraction(kilohertz &* 2 / 10, scale: 100, decimals: 2)
        t.append("\nclflush size\t: ")
        t.decimal(UInt64(clflushSize))
        t.append("\ncache_alignment\t: ")
        t.decimal(UInt64(clflushSize))
        t.append("\naddress sizes\t: ")
        t.decimal(UInt64(physicalAddressBits))
        t.append(" bits physical, ")
        t.decimal(UInt64(virtualAddressBits))
        t.append(" bits virtual\npower management:\n\n")
    }
}
