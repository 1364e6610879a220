#if SKIFF_KERNEL
import CKernel

/// Kernel time: a monotonic nanosecond clock from the invariant TSC, and the wall clock read
/// from the CMOS RTC (or the hypervisor) at boot and advanced by the monotonic clock.
///
/// Conversion uses a 32.32 fixed-point multiplier so reading the time is one RDTSC, one
/// 64×64 multiply and a shift — no division, no floating point.
enum Clock {
    nonisolated(unsafe) static var bootTSC: UInt64 = 0
    nonisolated(unsafe) static var multiplier: UInt64 = 0
    /// Nanoseconds since the Unix epoch at monotonic time 0.
    nonisolated(unsafe) static var wallOffset: UInt64 = 0

    /// Called once the TSC frequency is known.
    static func initialize(entryTSC: UInt64) {
        bootTSC = entryTSC
        // 10^9 * 2^32 / hz, computed in 128 bits.
        multiplier = TSC.hz.dividingFullWidth((1_000_000_000 >> 32, 1_000_000_000 << 32)).quotient
        wallOffset = RealTimeClock.readEpochNanoseconds() ?? 0
        if wallOffset > 0 {
            wallOffset &-= nanoseconds(ticks: x86_rdtsc() &- bootTSC)
        }
    }

    @inline(__always)
    static func nanoseconds(ticks: UInt64) -> UInt64 {
        let (high, low) = ticks.multipliedFullWidth(by: multiplier)
        return high << 32 | low >> 32
    }

    /// Nanoseconds since the kernel started (CLOCK_MONOTONIC and CLOCK_BOOTTIME).
    @inline(__always)
    static var monotonic: UInt64 { nanoseconds(ticks: x86_rdtsc() &- bootTSC) }

    /// Nanoseconds since the epoch (CLOCK_REALTIME).
    static var realtime: UInt64 { wallOffset &+ monotonic }

    /// `settimeofday`/`clock_settime(CLOCK_REALTIME)`.
    static func setRealtime(_ nanoseconds: UInt64) {
        wallOffset = nanoseconds &- monotonic
        VDSO.publishClock()
    }

    /// TSC ticks for a nanosecond duration (for timer deadlines).
    static func ticks(nanoseconds: UInt64) -> UInt64 {
        let (high, low) = nanoseconds.multipliedFullWidth(by: TSC.hz)
        guard high < 1_000_000_000 else { return UInt64.max }
        return (1_000_000_000 as UInt64).dividingFullWidth((high, low)).quotient
    }

    /// The TSC value at monotonic time `nanoseconds`.
    static func tsc(atMonotonic nanoseconds: UInt64) -> UInt64 {
        bootTSC &+ ticks(nanoseconds: nanoseconds)
    }
}

/// The MC146818 CMOS real-time clock on ports 0x70/0x71.
enum RealTimeClock {
    /// The current time, or nil when no RTC answers.
    static func readEpochNanoseconds() -> UInt64? {
        func register(_ r: UInt8) -> UInt8 {
            x86_outb(0x70, r)
            return x86_inb(0x71)
        }
        // Wait while an update is in progress (bit 7 of register A), then read twice until stable.
        var spins = 0
        while register(0x0A) & 0x80 != 0 {
            spins += 1
            if spins > 100_000 { return nil }
        }
        func snapshot() -> [UInt8] { [0x00, 0x02, 0x04, 0x07, 0x08, 0x09, 0x32].map { register($0) } }
        var a = snapshot()
        var b = snapshot()
        var tries = 0
        while a != b && tries < 10 {
            a = b
            b = snapshot()
            tries += 1
        }
        if a.allSatisfy({ $0 == 0xFF }) { return nil }  // no device: the bus floats high
        let statusB = register(0x0B)
        let binary = statusB & 0x04 != 0
        let twentyFourHour = statusB & 0x02 != 0
        func value(_ v: UInt8) -> Int { binary ? Int(v) : Int(v & 0x0F) + Int(v >> 4) * 10 }
        let second = value(a[0])
        let minute = value(a[1])
        var hour = value(a[2] & 0x7F)
        if !twentyFourHour {
            if a[2] & 0x80 != 0 { hour = (hour % 12) + 12 } else if hour == 12 { hour = 0 }
        }
        let day = value(a[3])
        let month = value(a[4])
        var year = value(a[5])
        let century = value(a[6])
        year += (century >= 19 && century <= 30) ? century * 100 : 2000
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61, year >= 1970 else {
            return nil
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = UInt64(days) * 86_400 + UInt64(hour * 3600 + minute * 60 + second)
        return seconds * 1_000_000_000
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * m + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
#endif
