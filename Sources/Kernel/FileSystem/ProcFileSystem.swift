#if SKIFF_KERNEL
import Boot
import LinuxABI
import ProcFS
import VFS

/// procfs, mounted at /proc: the processes and threads that exist now, and the kernel's
/// view of memory, CPUs, mounts and settings, in Linux's formats.
///
/// Nothing is kept: directories list what exists when they are read, files render their
/// text when opened (each open file reads its own snapshot), and links name their target
/// when asked. The reader's own root and working directory decide how paths are shown.
enum ProcFileSystem {
    static func make() -> SyntheticFileSystem {
        FileSystems.synthetic(magic: SyntheticFileSystem.PROC_SUPER_MAGIC, minor: 20, entries: rootEntries)
    }

    /// The order of process directories: after the fixed entries, by ID.
    static func processOrder(_ id: Int32) -> UInt64 { 1 << 32 | UInt64(UInt32(bitPattern: id)) }

    static func rootEntries() -> [SyntheticEntry] {
        var entries: [SyntheticEntry] = [
            .link("self") { decimal(reader.id) },
            .link("thread-self") { decimal(reader.id) + Array("/task/".utf8) + decimal(Scheduler.current.id) },
            .link("mounts") { Array("self/mounts".utf8) },
            .file("meminfo") { ProcSystemReports.memoryInfo().render() },
            .file("vmstat") { ProcSystemReports.memoryInfo().vmstat() },
            .file("swaps") { Array("Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n".utf8) },
            .file("cpuinfo") { ProcSystemReports.cpuInfo() },
            .file("stat") { ProcSystemReports.kernelStatistics() },
            .file("uptime") { ProcSystemReports.uptime() },
            .file("loadavg") { ProcSystemReports.loadAverage() },
            .file("version") { ProcSystemReports.version() },
            .file("filesystems") { ProcSystemReports.fileSystems() },
            .file("cmdline") { SystemReports.line(Array((Kernel.startInfo?.commandLine ?? "").utf8)) },
            .directory("sys") { _ in ProcSysctl.entries() },
        ]
        // Processes by ID; other threads are found by lookup but not listed (as on Linux).
        let processes = Processes.snapshot.sorted { $0.id < $1.id }
        for process in processes {
            entries.append(
                .directory(decimal(process.id), order: processOrder(process.id)) { _ in
                    ProcProcessDirectory.entries(ProcTask(processID: process.id, threadID: nil))
                })
        }
        for process in processes {
            let id = process.id
            for thread in process.lock.withLock({ process.threads }) where thread.id != id {
                let threadID = thread.id
                entries.append(
                    .directory(decimal(threadID), order: processOrder(threadID), hidden: true) { _ in
                        ProcProcessDirectory.entries(ProcTask(processID: id, threadID: threadID))
                    })
            }
        }
        return entries
    }

    /// The process reading /proc: "self".
    static var reader: Process { Scheduler.currentProcess }

    static func decimal(_ value: Int32) -> [UInt8] {
        var text = ProcText()
        text.decimal(Int(value))
        return text.bytes
    }
}
#endif
