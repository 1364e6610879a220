import Testing

@testable import LinuxABI

@Suite struct ResourceUsageTests {
    @Test func encodesStructRusageAtTheABIOffsets() {
        var u = ResourceUsage()
        u.userNanoseconds = 2_345_678_901
        u.systemNanoseconds = 1_000_500
        u.maxResidentKiB = 4096
        u.minorFaults = 7
        u.majorFaults = 2
        u.voluntarySwitches = 11
        u.involuntarySwitches = 3
        let r = StructReader(u.encoded)
        #expect(u.encoded.count == 144)
        #expect(r.get(Int64.self, at: 0) == 2 && r.get(Int64.self, at: 8) == 345_678)  // ru_utime
        #expect(r.get(Int64.self, at: 16) == 0 && r.get(Int64.self, at: 24) == 1000)  // ru_stime
        #expect(r.get(Int64.self, at: 32) == 4096)  // ru_maxrss
        #expect(r.get(Int64.self, at: 64) == 7 && r.get(Int64.self, at: 72) == 2)  // ru_minflt, ru_majflt
        #expect(r.get(Int64.self, at: 128) == 11 && r.get(Int64.self, at: 136) == 3)  // ru_nvcsw, ru_nivcsw
        #expect(ResourceUsage.ticks(2_345_678_901) == 234)
    }

    @Test func addingSumsCountersAndKeepsTheLargerPeak() {
        var a = ResourceUsage()
        a.userNanoseconds = 10
        a.maxResidentKiB = 500
        a.minorFaults = 1
        var b = ResourceUsage()
        b.userNanoseconds = 5
        b.maxResidentKiB = 300
        b.minorFaults = 2
        b.voluntarySwitches = 4
        let sum = a.adding(b)
        #expect(sum.userNanoseconds == 15 && sum.maxResidentKiB == 500 && sum.minorFaults == 3 && sum.voluntarySwitches == 4)
    }
}
