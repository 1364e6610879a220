#if SKIFF_KERNEL
import CKernel

/// The time-stamp counter's frequency, which every kernel time conversion needs.
///
/// Sources in order of trust: CPUID leaf 0x15 (the crystal ratio), the hypervisor timing leaf
/// 0x40000010, then a short measurement against PIT channel 2.
enum TSC {
    nonisolated(unsafe) static var hz: UInt64 = 0
    nonisolated(unsafe) static var source: StaticString = "none"

    static func calibrate() {
        let maxLeaf = x86_cpuid(0, 0).eax
        if maxLeaf >= 0x15 {
            let r = x86_cpuid(0x15, 0)
            if r.eax != 0 && r.ebx != 0 && r.ecx != 0 {
                hz = UInt64(r.ecx) * UInt64(r.ebx) / UInt64(r.eax)
                source = "CPUID 0x15"
                return
            }
        }
        if CPUFeatures.maxHypervisorLeaf >= 0x4000_0010 {
            let khz = x86_cpuid(0x4000_0010, 0).eax
            if khz != 0 {
                hz = UInt64(khz) * 1000
                source = "hypervisor CPUID"
                return
            }
        }
        if let measured = measureWithPIT(milliseconds: 5) {
            hz = measured
            source = "PIT"
            return
        }
        hz = 1_000_000_000  // a guess, so time still advances; reported by --bootchart
        source = "assumed 1 GHz"
    }

    /// Counts TSC ticks while PIT channel 0 counts `milliseconds`, reading the counter with latch
    /// commands (channel 2's gate port does not exist on microvm). Nil when no PIT answers.
    private static func measureWithPIT(milliseconds: UInt64) -> UInt64? {
        let pitHz: UInt64 = 1_193_182
        let target = pitHz * milliseconds / 1000
        x86_outb(0x43, 0x34)  // channel 0, lobyte/hibyte, mode 2 (rate generator), binary
        x86_outb(0x40, 0)
        x86_outb(0x40, 0)  // reload value 0 = 65536
        func readCounter() -> UInt16 {
            x86_outb(0x43, 0x00)  // latch channel 0
            let low = UInt16(x86_inb(0x40))
            let high = UInt16(x86_inb(0x40))
            return high << 8 | low
        }
        var last = readCounter()
        // Wait for the first change so the measurement starts on a counter edge.
        var spins = 0
        while readCounter() == last {
            spins += 1
            if spins > 1_000_000 { return nil }
        }
        last = readCounter()
        let start = x86_rdtsc()
        var elapsed: UInt64 = 0
        spins = 0
        while elapsed < target {
            let now = readCounter()
            elapsed &+= UInt64(last &- now)  // counts down, wrapping at 65536
            last = now
            spins += 1
            if spins > 50_000_000 { return nil }
        }
        let ticks = x86_rdtsc() &- start
        guard ticks > 1000 else { return nil }
        return ticks &* pitHz / elapsed
    }

    static func nanoseconds(ticks: UInt64) -> UInt64 {
        guard hz != 0 else { return 0 }
        let (high, low) = ticks.multipliedFullWidth(by: 1_000_000_000)
        guard high < hz else { return UInt64.max }
        return hz.dividingFullWidth((high, low)).quotient
    }
}
#endif
