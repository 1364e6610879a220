#if SKIFF_KERNEL
import ProcFS
import VFS

/// /proc/sys: the settings programs read to learn the system's limits. Only the hostname can
/// be written; the rest describe what Skiff does and cannot be changed (EACCES).
enum ProcSysctl {
    /// Made once, at the first read: the same for the whole boot.
    static let bootID = randomUUID()

    static func entries() -> [SyntheticEntry] {
        [
            .directory("kernel") { _ in kernel() },
            .directory("vm") { _ in
                [
                    // 1, "always": mmap keeps no commit account (memory is taken at the first
                    // touch, and running out there kills the program), so 0's promise to refuse
                    // an obviously excessive mapping would be untrue. redis checks for it.
                    .file("overcommit_memory") { SystemReports.number(1) },
                    .file("overcommit_ratio") { SystemReports.number(50) },
                    .file("max_map_count") { SystemReports.number(65530) },
                ]
            },
            .directory("fs") { _ in
                [
                    .file("file-max") { SystemReports.number(Int64.max) },
                    .file("nr_open") { SystemReports.number(1 << 20) },
                    .file("pipe-max-size") { SystemReports.number(1 << 20) },
                ]
            },
            .directory("net") { _ in
                [.directory("core") { _ in [.file("somaxconn") { SystemReports.number(4096) }] }]
            },
        ]
    }

    static func kernel() -> [SyntheticEntry] {
        [
            .file("ostype") { Array("Linux\n".utf8) },
            .file("osrelease") { SystemReports.line(Syscalls.release) },
            .file("version") { SystemReports.line(Array("#1 SMP PREEMPT Skiff ".utf8) + Array(String(Kernel.version).utf8)) },
            .file("hostname", write: { name in
                var trimmed = Array(name.prefix(64))
                while let last = trimmed.last, last == ProcText.newline || last == 0 { trimmed.removeLast() }
                ProcFileSystem.reader.hostname = trimmed
            }) { SystemReports.line(ProcFileSystem.reader.hostname) },
            .file("domainname") { Array("(none)\n".utf8) },
            .file("pid_max") { SystemReports.number(4_194_304) },
            .file("threads-max") { SystemReports.number(Int64(ProcFileSystem.reader.limits[6].soft)) },
            .file("ngroups_max") { SystemReports.number(65536) },
            .file("cap_last_cap") { SystemReports.number(40) },
            .directory("random") { _ in
                [
                    .file("boot_id") { bootID },
                    .file("uuid") { randomUUID() },
                    .file("entropy_avail") { SystemReports.number(256) },
                    .file("poolsize") { SystemReports.number(256) },
                ]
            },
        ]
    }

    static func randomUUID() -> [UInt8] {
        var random = [UInt8](repeating: 0, count: 16)
        random.withUnsafeMutableBytes { Entropy.fill($0) }
        return SystemReports.uuid(random)
    }
}
#endif
