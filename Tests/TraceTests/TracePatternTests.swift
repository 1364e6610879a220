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
