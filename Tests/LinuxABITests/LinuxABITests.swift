import Testing
@testable import LinuxABI

@Suite struct LinuxABITests {
    @Test func syscallNumbersMatchTheKernelTable() {
        #expect(SyscallNumber.read.rawValue == 0)
        #expect(SyscallNumber.write.rawValue == 1)
        #expect(SyscallNumber.mmap.rawValue == 9)
        #expect(SyscallNumber.archPrctl.rawValue == 158)
        #expect(SyscallNumber.exitGroup.rawValue == 231)
        #expect(SyscallNumber.openat.rawValue == 257)
        #expect(SyscallNumber.clone3.rawValue == 435)
        #expect(SyscallNumber(rawValue: 231).name.map { String(describing: $0) } == "exit_group")
        #expect(SyscallNumber(rawValue: 9999).name == nil)
    }

    @Test func errnoValues() {
        #expect(Errno.EPERM.rawValue == 1)
        #expect(Errno.ENOENT.rawValue == 2)
        #expect(Errno.EFAULT.rawValue == 14)
        #expect(Errno.EINVAL.rawValue == 22)
        #expect(Errno.ENOSYS.rawValue == 38)
        #expect(String(describing: Errno.ENOMEM.name) == "ENOMEM")
        #expect(String(describing: Errno(rawValue: 11).name) == "EAGAIN")
    }

    @Test func statLayout() {
        var s = LinuxStat()
        s.inode = 0x1122
        s.mode = 0o100644
        s.size = 4097
        s.modificationTime = Timespec(seconds: 7, nanoseconds: 9)
        let b = s.encoded
        #expect(b.count == 144)
        let r = StructReader(b)
        #expect(r.get(UInt64.self, at: 8) == 0x1122)
        #expect(r.get(UInt32.self, at: 24) == 0o100644)
        #expect(r.get(Int64.self, at: 48) == 4097)
        #expect(r.get(Int64.self, at: 88) == 7 && r.get(Int64.self, at: 96) == 9)
    }

    @Test func timespec() {
        #expect(Timespec(totalNanoseconds: 1_500_000_001) == Timespec(seconds: 1, nanoseconds: 500_000_001))
        #expect(Timespec(seconds: 1, nanoseconds: 1_000_000_000).totalNanoseconds == nil)
        #expect(Timespec(seconds: -1, nanoseconds: 0).totalNanoseconds == nil)
        #expect(Timespec(seconds: Int64.max, nanoseconds: 0).totalNanoseconds == UInt64.max)
        #expect(Timespec(decoding: Timespec(seconds: 3, nanoseconds: 4).encoded) == Timespec(seconds: 3, nanoseconds: 4))
    }

    @Test func utsnameFieldsAreTruncatedAndTerminated() {
        let u = UTSName(
            sysname: Array("Linux".utf8), nodename: [UInt8](repeating: 65, count: 100), release: Array("6.1.0".utf8),
            version: [], machine: Array("x86_64".utf8), domainname: [])
        let b = u.encoded
        #expect(b.count == 390)
        #expect(Array(b[0..<6]) == Array("Linux".utf8) + [0])
        #expect(b[65 + 63] == 65 && b[65 + 64] == 0)
        #expect(Array(b[260..<267]) == Array("x86_64".utf8) + [0])
    }
}
