import LinuxABI
import Testing
import VFS

@testable import ProcFS

@Test func textConversions() {
    var t = ProcText()
    t.decimal(42, width: 8)
    t.append("|")
    t.decimal(signed: -7)
    t.append("|")
    t.hex(0x1f, width: 8)
    t.append("|")
    t.octal(0o22, width: 4)
    t.append("|")
    t.leftAligned(bytes("ab"), width: 5)
    t.append("|")
    t.fraction(123_456, scale: 1000, decimals: 3)
    t.append("|")
    t.fraction(1_005, scale: 100, decimals: 2)
    t.append("|")
    t.decimal(UInt64.max)
    #expect(text(t.bytes) == "      42|-7|0000001f|0022|ab   |123.456|10.05|18446744073709551615")
}

@Test func mapsLinesAreLinuxs() {
    let lines = MapsEntry.render([
        MapsEntry(
            start: 0x55d4_c0d6_e000, end: 0x55d4_c0d7_0000, readable: true, writable: false, executable: false,
            shared: false, offset: 0, device: DeviceNumber(major: 8, minor: 1), inode: 1_835_047,
            name: bytes("/usr/bin/cat")),
        MapsEntry(
            start: 0x55d4_c0d7_0000, end: 0x55d4_c0d7_4000, readable: true, writable: false, executable: true,
            shared: false, offset: 0x2000, device: DeviceNumber(major: 8, minor: 1), inode: 1_835_047,
            name: bytes("/usr/bin/cat")),
        MapsEntry(
            start: 0x7ffd_6b1d_3000, end: 0x7ffd_6b1f_4000, readable: true, writable: true, executable: false,
            shared: false, name: bytes("[stack]")),
        MapsEntry(start: 0x7f3a_2c00_0000, end: 0x7f3a_2c02_1000, readable: true, writable: true, executable: false, shared: true),
        MapsEntry(start: 0x40_0000, end: 0x40_1000, readable: true, writable: false, executable: false, shared: false, name: bytes("/a\nb")),
    ])
    #expect(text(lines) == """
        55d4c0d6e000-55d4c0d70000 r--p 00000000 08:01 1835047                    /usr/bin/cat
        55d4c0d70000-55d4c0d74000 r-xp 00002000 08:01 1835047                    /usr/bin/cat
        7ffd6b1d3000-7ffd6b1f4000 rw-p 00000000 00:00 0                          [stack]
        7f3a2c000000-7f3a2c021000 rw-s 00000000 00:00 0 \n\
        00400000-00401000 r--p 00000000 00:00 0                                  /a\\012b

        """)
}

@Test func statusHasLinuxsLines() {
    var status = ProcessStatus()
    status.name = bytes("procfs-static")
    status.state = .sleeping
    status.threadGroupID = 1
    status.pid = 1
    status.threads = 3
    status.memory.size = 5_713_920
    status.memory.resident = 933_888
    status.blocked = 1 << 9
    status.caught = (1 << 16) | 1
    status.allowedCPUs = [0, 1]
    status.cpuCount = 2
    let lines = text(status.render()).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines[0] == "Name:\tprocfs-static")
    #expect(lines[1] == "Umask:\t0022")
    #expect(lines[2] == "State:\tS (sleeping)")
    #expect(lines.contains("Tgid:\t1") && lines.contains("Pid:\t1") && lines.contains("PPid:\t0"))
    #expect(lines.contains("Uid:\t0\t0\t0\t0") && lines.contains("Groups:\t "))
    #expect(lines.contains("VmSize:\t    5580 kB") && lines.contains("VmRSS:\t     912 kB"))
    #expect(lines.contains("Threads:\t3"))
    #expect(lines.contains("SigBlk:\t0000000000000200") && lines.contains("SigCgt:\t0000000000010001"))
    #expect(lines.contains("Cpus_allowed:\t3") && lines.contains("Cpus_allowed_list:\t0-1"))
    #expect(lines.last == "" && lines[lines.count - 2] == "nonvoluntary_ctxt_switches:\t0")
}

@Test func statLineHas52Fields() {
    var stat = ProcessStatLine()
    stat.pid = 12
    stat.name = bytes("a b")
    stat.state = .sleeping
    stat.parentID = 1
    stat.threads = 2
    stat.virtualSize = 4096 * 10
    stat.residentPages = 3
    stat.blocked = 0xFFFF_FFFF_FFFF_FFFF
    let line = text(stat.render())
    #expect(line.hasPrefix("12 (a b) S 1 "))
    #expect(line.hasSuffix(" 0\n"))
    // Fields after the name: 50 more (state is the third field).
    let afterName = line.split(separator: ")").last!.split(separator: " ")
    #expect(afterName.count == 50)
    #expect(afterName[17] == "2")  // num_threads, field 20
    #expect(afterName[20] == "40960")  // vsize, field 23
    #expect(afterName[21] == "3")  // rss
    #expect(afterName[22] == "18446744073709551615")  // rsslim
    #expect(afterName[29] == "2147483647")  // blocked, masked to 31 bits
    #expect(afterName[35] == "17")  // exit_signal
}

@Test func statmIsInPages() {
    var memory = ProcessMemory()
    memory.size = 40960
    memory.resident = 8192
    memory.code = 4096
    memory.data = 12288
    #expect(text(memory.statm()) == "10 2 0 1 0 3 0\n")
}

@Test func meminfoColumns() {
    var info = MemoryInfo()
    info.total = 125_000 * 1024
    info.free = 100_000 * 1024
    info.available = 101_000 * 1024
    let lines = text(info.render()).split(separator: "\n").map(String.init)
    #expect(lines[0] == "MemTotal:         125000 kB")
    #expect(lines[1] == "MemFree:          100000 kB")
    #expect(lines[2] == "MemAvailable:     101000 kB")
    #expect(lines.contains("Inactive(anon):        0 kB"))
    #expect(lines.contains("HardwareCorrupted:     0 kB"))
    #expect(lines.contains("HugePages_Total:       0"))
    #expect(lines.contains("Hugepagesize:       2048 kB"))
    #expect(lines.contains("Hugetlb:               0 kB"))
    #expect(lines.contains("VmallocTotal:   34359738367 kB"))
    for line in lines { #expect(line.hasSuffix(" kB") || line.hasPrefix("HugePages_")) }
    let vmstat = text(info.vmstat()).split(separator: "\n").map(String.init)
    #expect(vmstat[0] == "nr_free_pages 25000")
    #expect(vmstat.allSatisfy { $0.split(separator: " ").count == 2 })
}

@Test func cpuLists() {
    #expect(text(CPUList.ranges([0])) == "0")
    #expect(text(CPUList.ranges([0, 1, 2, 3])) == "0-3")
    #expect(text(CPUList.ranges([0, 2, 3, 4, 7])) == "0,2-4,7")
    #expect(text(CPUList.mask([0], count: 1)) == "1")
    #expect(text(CPUList.mask([0, 1, 2, 3], count: 4)) == "f")
    #expect(text(CPUList.mask([0, 1], count: 8)) == "03")
    #expect(text(CPUList.mask([0, 33], count: 40)) == "02,00000001")
}

@Test func limitsTable() {
    var limits = [(soft: UInt64, hard: UInt64)](repeating: (UInt64.max, UInt64.max), count: 16)
    limits[3] = (8_388_608, UInt64.max)
    limits[7] = (1024, 1_048_576)
    limits[13] = (0, 0)
    let lines = text(ResourceLimitsReport.render(limits)).split(separator: "\n").map(String.init)
    #expect(lines[0] == "Limit                     Soft Limit           Hard Limit           Units     ")
    #expect(lines[1] == "Max cpu time              unlimited            unlimited            seconds   ")
    #expect(lines[4] == "Max stack size            8388608              unlimited            bytes     ")
    #expect(lines[8] == "Max open files            1024                 1048576              files     ")
    #expect(lines[14] == "Max nice priority         0                    0                    ")
    #expect(lines.count == 17)
}

@Test func kernelStatistics() {
    var stat = KernelStatistics()
    stat.cpus = [.init(user: 10, system: 2, idle: 100), .init(user: 5, system: 1, idle: 90)]
    stat.contextSwitches = 1234
    stat.bootTime = 1_700_000_000
    stat.forks = 12
    stat.running = 1
    let lines = text(stat.render()).split(separator: "\n").map(String.init)
    #expect(lines[0] == "cpu  15 0 3 190 0 0 0 0 0 0")
    #expect(lines[1] == "cpu0 10 0 2 100 0 0 0 0 0 0")
    #expect(lines[2] == "cpu1 5 0 1 90 0 0 0 0 0 0")
    #expect(lines.contains("ctxt 1234") && lines.contains("btime 1700000000") && lines.contains("processes 12"))
    #expect(lines.contains("procs_running 1") && lines.contains("procs_blocked 0"))
}

@Test func oneLineFiles() {
    #expect(text(SystemReports.uptime(nanoseconds: 12_345_678_901, idleNanoseconds: 20_000_000_000)) == "12.34 20.00\n")
    let half: UInt64 = 1 << 15
    #expect(text(SystemReports.loadAverage((half, 0, 3 << 16), runnable: 1, threads: 5, lastPID: 42)) == "0.50 0.00 3.00 1/5 42\n")
    #expect(text(SystemReports.fileSystems([("proc", false), ("ext4", true)])) == "nodev\tproc\n\text4\n")
    #expect(SystemReports.nulSeparated([bytes("ls"), bytes("-l")]) == bytes("ls\0-l\0"))
    let uuid = text(SystemReports.uuid([UInt8](repeating: 0xAB, count: 16)))
    #expect(uuid == "abababab-abab-4bab-abab-abababababab\n")
}

@Test func cpuinfoBlock() {
    var info = CPUInfo()
    info.processor = 1
    info.vendor = bytes("GenuineIntel")
    info.family = 6
    info.model = 85
    info.modelName = bytes("Intel Xeon")
    info.kilohertz = 2_294_608
    var flags = CPUFlags()
    flags.leaf1EDX = 1 | (1 << 4) | (1 << 26)
    flags.leaf1ECX = (1 << 20) | (1 << 31)
    flags.extendedEDX = 1 << 29
    flags.leaf7EBX = 1 << 5
    info.flags = flags.names
    var t = ProcText()
    info.append(to: &t)
    let lines = text(t.bytes).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines[0] == "processor\t: 1")
    #expect(lines.contains("vendor_id\t: GenuineIntel"))
    #expect(lines.contains("cpu MHz\t\t: 2294.608"))
    #expect(lines.contains("flags\t\t: fpu tsc sse2 lm rep_good nopl cpuid sse4_2 hypervisor avx2"))
    #expect(lines.contains("bogomips\t: 4589.21"))
    #expect(lines.suffix(2) == ["", ""])
}

@Test func mountLinesEscapeNames() {
    let entry = MountEntry(
        id: 7, parentID: 1, device: DeviceNumber(major: 0, minor: 5), mountPoint: bytes("/mnt/a b"),
        source: bytes("tmpfs"), typeName: bytes("tmpfs"), flags: [.readOnly, .noSetuid])
    var t = ProcText()
    entry.appendMountsLine(to: &t)
    entry.appendMountInfoLine(to: &t)
    #expect(text(t.bytes) == "tmpfs /mnt/a\\040b tmpfs ro,nosuid,relatime 0 0\n7 1 0:5 / /mnt/a\\040b ro,nosuid,relatime - tmpfs tmpfs ro\n")
    #expect(MountEntry.typeName(forMagic: 0x9FA0) == bytes("proc"))
}

@Test func leaf1FlagsAloneForTheMonitoringAPI() {
    var flags = CPUFlags()
    flags.leaf1EDX = 1 | 1 << 4
    flags.leaf1ECX = 1 << 31
    flags.leaf7EBX = 1 << 5
    #expect(flags.leaf1Names.map { String(describing: $0) } == ["fpu", "tsc", "hypervisor"])
}
