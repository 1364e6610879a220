import LinuxABI

/// Skiff's tracepoints: a fixed catalogue of kernel events plus two per Linux system call
/// (`syscall_NAME` at entry with the arguments, `syscall_NAME_ret` at exit with the result).
///
/// IDs are part of the dump format. Fixed tracepoints are below ``syscallEntryBase``; system
/// call tracepoints are `syscallEntryBase + number` and `syscallExitBase + number`.
public struct Tracepoint: Equatable, Sendable {
    public var id: UInt16

    public init(id: UInt16) { self.id = id }

    public static let schedSwitch = Tracepoint(id: 1)
    public static let schedWake = Tracepoint(id: 2)
    public static let schedMigrate = Tracepoint(id: 3)
    public static let pageFault = Tracepoint(id: 4)
    public static let pageFaultDone = Tracepoint(id: 5)
    public static let blockRequest = Tracepoint(id: 6)
    public static let blockDone = Tracepoint(id: 7)
    public static let netReceive = Tracepoint(id: 8)
    public static let netTransmit = Tracepoint(id: 9)
    public static let memoryMalloc = Tracepoint(id: 10)
    public static let memoryFree = Tracepoint(id: 11)
    public static let memoryPageAlloc = Tracepoint(id: 12)
    public static let memoryPageFree = Tracepoint(id: 13)
    public static let interrupt = Tracepoint(id: 14)
    public static let samplerTick = Tracepoint(id: 15)
    public static let threadCreate = Tracepoint(id: 16)
    public static let threadExit = Tracepoint(id: 17)

    /// Fixed tracepoint IDs are `1 ..< fixedLimit`; the kernel's enable table has this many bytes.
    public static let fixedLimit = 32
    public static let syscallEntryBase: UInt16 = 0x1000
    public static let syscallExitBase: UInt16 = 0x2000
    /// System call numbers `0 ..< syscallLimit` have tracepoints.
    public static let syscallLimit = 512

    public static func syscallEntry(_ number: Int) -> Tracepoint { Tracepoint(id: syscallEntryBase + UInt16(number)) }
    public static func syscallExit(_ number: Int) -> Tracepoint { Tracepoint(id: syscallExitBase + UInt16(number)) }

    /// The fixed tracepoints, with their names and argument names.
    public static let fixed: [(tracepoint: Tracepoint, name: StaticString, arguments: StaticString)] = [
        (schedSwitch, "sched_switch", "prev,next,prev_state"),
        (schedWake, "sched_wake", "thread,cpu"),
        (schedMigrate, "sched_migrate", "thread,cpu"),
        (pageFault, "page_fault", "address,error,rip"),
        (pageFaultDone, "page_fault_done", "address,resolved"),
        (blockRequest, "block_request", "op,sector,bytes"),
        (blockDone, "block_done", "op,sector,status"),
        (netReceive, "net_receive", "interface,bytes"),
        (netTransmit, "net_transmit", "interface,bytes"),
        (memoryMalloc, "memory_malloc", "size,alignment,address"),
        (memoryFree, "memory_free", "address"),
        (memoryPageAlloc, "memory_page_alloc", "physical,pages"),
        (memoryPageFree, "memory_page_free", "physical,pages"),
        (interrupt, "interrupt", "vector"),
        (samplerTick, "sampler_tick", "rip,user"),
        (threadCreate, "thread_create", "thread"),
        (threadExit, "thread_exit", "thread"),
    ]

    public var isSyscallEntry: Bool { id >= Self.syscallEntryBase && id < Self.syscallEntryBase + UInt16(Self.syscallLimit) }
    public var isSyscallExit: Bool { id >= Self.syscallExitBase && id < Self.syscallExitBase + UInt16(Self.syscallLimit) }
    /// The system call number of a syscall tracepoint.
    public var syscallNumber: Int? {
        if isSyscallEntry { return Int(id - Self.syscallEntryBase) }
        if isSyscallExit { return Int(id - Self.syscallExitBase) }
        return nil
    }

    /// The tracepoint's name as UTF-8 (`sched_switch`, `syscall_read`, `syscall_read_ret`), or
    /// empty for an unknown ID.
    public var name: [UInt8] {
        if let number = syscallNumber {
            var bytes = Array("syscall_".utf8)
            if let n = SyscallNumber(rawValue: number).name {
                bytes.append(contentsOf: UnsafeBufferPointer(start: n.utf8Start, count: n.utf8CodeUnitCount))
            } else {
                bytes.append(contentsOf: Array("\(number)".utf8))
            }
            if isSyscallExit { bytes.append(contentsOf: Array("_ret".utf8)) }
            return bytes
        }
        for f in Self.fixed where f.tracepoint == self {
            return Array(UnsafeBufferPointer(start: f.name.utf8Start, count: f.name.utf8CodeUnitCount))
        }
        return []
    }

    /// Comma-separated argument names.
    public var argumentNames: [UInt8] {
        if isSyscallEntry { return Array("a0,a1,a2,a3,a4,a5".utf8) }
        if isSyscallExit { return Array("result".utf8) }
        for f in Self.fixed where f.tracepoint == self {
            return Array(UnsafeBufferPointer(start: f.arguments.utf8Start, count: f.arguments.utf8CodeUnitCount))
        }
        return []
    }

    /// Every tracepoint: the fixed ones, then entry and exit for each named system call.
    public static var all: [Tracepoint] {
        var result = fixed.map { $0.tracepoint }
        for n in 0..<syscallLimit where SyscallNumber(rawValue: n).name != nil {
            result.append(syscallEntry(n))
            result.append(syscallExit(n))
        }
        return result
    }

    /// The tracepoint named `name`, if any.
    public static func named(_ name: [UInt8]) -> Tracepoint? {
        for t in all where t.name == name { return t }
        return nil
    }
}
