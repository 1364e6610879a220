#if SKIFF_KERNEL
import LinuxABI
import Net
import ProcFS
import VFS

/// sysfs, mounted at /sys: the CPUs, the network interfaces and a few kernel settings
/// programs size themselves by (`/sys/devices/system/cpu/online` is how glibc's
/// `get_nprocs` and many runtimes count CPUs).
enum SysFileSystem {
    static func make() -> SyntheticFileSystem {
        FileSystems.synthetic(magic: SyntheticFileSystem.SYSFS_MAGIC, minor: 21, entries: rootEntries)
    }

    static func rootEntries() -> [SyntheticEntry] {
        [
            .directory("devices") { _ in
                [.directory("system") { _ in [.directory("cpu") { _ in cpuEntries() }] }]
            },
            .directory("class") { _ in [.directory("net") { _ in networkEntries() }] },
            .directory("kernel") { _ in
                [
                    .directory("mm") { _ in
                        [
                            .directory("transparent_hugepage") { _ in
                                [
                                    .file("enabled") { Array("always madvise [never]\n".utf8) },
                                    .file("defrag") { Array("always defer defer+madvise madvise [never]\n".utf8) },
                                    .file("hpage_pmd_size") { SystemReports.number(2 << 20) },
                                ]
                            }
                        ]
                    }
                ]
            },
            .directory("fs") { _ in [] },
            .directory("block") { _ in [] },
            .directory("bus") { _ in [] },
            .directory("firmware") { _ in [] },
            .directory("module") { _ in [] },
        ]
    }

    /// `online`, `possible`, `present` and a directory per CPU.
    static func cpuEntries() -> [SyntheticEntry] {
        let all = Array(Scheduler.cpus.indices)
        let online = Scheduler.cpus.indices.filter { Scheduler.cpus[$0].online }
        var entries: [SyntheticEntry] = [
            .file("online") { SystemReports.line(CPUList.ranges(online)) },
            .file("possible") { SystemReports.line(CPUList.ranges(all)) },
            .file("present") { SystemReports.line(CPUList.ranges(all)) },
            .file("offline") { SystemReports.line(CPUList.ranges(all.filter { !online.contains($0) })) },
            .file("kernel_max") { SystemReports.number(8191) },
        ]
        for index in all {
            entries.append(
                .directory(Array("cpu".utf8) + ProcFileSystem.decimal(Int32(index))) { _ in
                    [
                        .file("online") { SystemReports.number(Scheduler.cpus[index].online ? 1 : 0) },
                        .directory("topology") { _ in topology(cpu: index, of: all) },
                    ]
                })
        }
        return entries
    }

    /// `cpuN/topology`: every CPU is a core of its own in one package (one thread per core),
    /// which is how lscpu and runtimes that size thread pools read it.
    static func topology(cpu: Int, of all: [Int]) -> [SyntheticEntry] {
        let count = all.count
        func set(_ name: String, _ cpus: [Int]) -> [SyntheticEntry] {
            [
                .file(name) { SystemReports.line(CPUList.mask(cpus, count: count)) },
                .file(name + "_list") { SystemReports.line(CPUList.ranges(cpus)) },
            ]
        }
        return [
            .file("core_id") { SystemReports.number(Int64(cpu)) },
            .file("physical_package_id") { SystemReports.number(0) },
            .file("die_id") { SystemReports.number(0) },
            .file("cluster_id") { SystemReports.number(0) },
        ] + set("thread_siblings", [cpu]) + set("core_cpus", [cpu]) + set("core_siblings", all)
            + set("package_cpus", all) + set("die_cpus", all) + set("cluster_cpus", [cpu])
    }

    /// A directory per network interface: its MAC address, MTU, state and index.
    static func networkEntries() -> [SyntheticEntry] {
        Network.describeLinks().map { link in
            .directory(link.name) { _ in
                [
                    .file("address") { SystemReports.line(macAddress(link.hardwareAddress)) },
                    .file("mtu") { SystemReports.number(Int64(link.mtu)) },
                    .file("operstate") {
                        Array((link.type == SocketConstants.ARPHRD_LOOPBACK ? "unknown\n" : "up\n").utf8)
                    },
                    .file("ifindex") { SystemReports.number(Int64(link.index)) },
                    .file("type") { SystemReports.number(Int64(link.type)) },
                    .file("carrier") { SystemReports.number(1) },
                    .file("flags") {
                        var text = ProcText()
                        text.append("0x")
                        text.hex(UInt64(link.flags))
                        text.newline()
                        return text.bytes
                    },
                ]
            }
        }
    }

    static func macAddress(_ bytes: [UInt8]) -> [UInt8] {
        var text = ProcText()
        for (index, byte) in bytes.enumerated() {
            if index > 0 { text.append(byte: 0x3A) }
            text.hex(UInt64(byte), width: 2)
        }
        return text.bytes
    }
}
#endif
