import Testing
@testable import Trace

struct TracePatternTests {
    func matches(_ pattern: String, _ name: String) -> Bool { TracePattern(pattern).matches(Array(name.utf8)) }

    @Test func globs() {
        #expect(matches("sched*", "sched_switch"))
        #expect(matches("*", "anything"))
        #expect(matches("syscall_read", "syscall_read"))
        #expect(!matches("syscall_read", "syscall_read_ret"))
        #expect(matches("syscall_read*", "syscall_read_ret"))
        #expect(matches("syscall_*_ret", "syscall_write_ret"))
        #expect(!matches("syscall_*_ret", "syscall_write"))
        #expect(matches("page_fa?lt", "page_fault"))
        #expect(!matches("page_fa?lt", "page_falt"))
        #expect(matches("*fault*", "page_fault_done"))
        #expect(!matches("net", "net_receive"))
        #expect(matches("", "") && !matches("", "x"))
    }

    @Test func catalogueNames() {
        #expect(Tracepoint.schedSwitch.name == Array("sched_switch".utf8))
        #expect(Tracepoint.syscallEntry(1).name == Array("syscall_write".utf8))
        #expect(Tracepoint.syscallExit(0).name == Array("syscall_read_ret".utf8))
        #expect(Tracepoint.syscallExit(0).syscallNumber == 0)
        #expect(Tracepoint.named(Array("syscall_openat".utf8)) == .syscallEntry(257))
        let all = Tracepoint.all
        #expect(all.count > 600)
        // Names are unique.
        var names = Set<[UInt8]>()
        for t in all { #expect(names.insert(t.name).inserted) }
        #expect(all.filter { TracePattern("sched*").matches($0.name) }.count == 3)
    }
}

struct TraceFormatterTests {
    @Test func lines() {
        let entry = TraceRecord(tsc: 0, tracepoint: Tracepoint.syscallEntry(1).id, cpu: 0, thread: 1, arguments: [1, 0x4a2b10, 13, 0, 0, 0])
        #expect(
            TraceFormatter.line(entry, nanoseconds: 12_345_678, name: Tracepoint.syscallEntry(1).name, argumentNames: [])
                == "0.012345678 cpu0 t1 syscall_write(0x1, 0x4a2b10, 0xd)")
        let failed = TraceRecord(tsc: 0, tracepoint: Tracepoint.syscallExit(257).id, cpu: 1, thread: 7, arguments: [UInt64(bitPattern: -2), 0, 0, 0, 0, 0])
        #expect(
            TraceFormatter.line(failed, nanoseconds: 2_000_000_001, name: Tracepoint.syscallExit(257).name, argumentNames: [])
                == "2.000000001 cpu1 t7 syscall_openat_ret -2 ENOENT")
        let sw = TraceRecord(tsc: 0, tracepoint: 1, cpu: 1, thread: -3, arguments: [1, UInt64(bitPattern: -3), 3, 0, 0, 0], backtrace: [0x100010])
        #expect(
            TraceFormatter.line(sw, nanoseconds: 0, name: Tracepoint.schedSwitch.name, argumentNames: Tracepoint.schedSwitch.argumentNames)
                == "0.000000000 cpu1 k-3 sched_switch prev=1 next=-3 prev_state=3 [0x100010]")
        let fault = TraceRecord(tsc: 0, tracepoint: 4, cpu: 0, thread: 1, arguments: [0x7000, 6, 0x401000, 0, 0, 0])
        #expect(
            TraceFormatter.line(fault, nanoseconds: 0, name: Tracepoint.pageFault.name, argumentNames: Tracepoint.pageFault.argumentNames)
                == "0.000000000 cpu0 t1 page_fault address=0x7000 error=0x6 rip=0x401000")
    }
}
