#if SKIFF_KERNEL
import LinuxABI
import ProcFS
import VFS

/// /proc/PID and /proc/PID/task/TID: one process (or one of its threads) as files. A
/// process's directory reports it as its main thread does, plus `task/`; a thread's reports
/// its own ID, state, name and signal mask. /proc/TID of a thread that does not lead its
/// process is the thread's view with `task/` (as on Linux).
enum ProcProcessDirectory {
    static func entries(_ task: ProcTask, tasks: Bool = true) -> [SyntheticEntry] {
        var list: [SyntheticEntry] = []
        if tasks {
            list.append(
                .directory("task") { _ in
                    guard let process = try? task.process() else { return [] }
                    return process.lock.withLock { process.threads }.map { t -> SyntheticEntry in
                        .directory(ProcFileSystem.decimal(t.id), order: UInt64(UInt32(bitPattern: t.id))) { _ in
                            entries(ProcTask(processID: task.processID, threadID: t.id), tasks: false)
                        }
                    }
                })
        }
        /// A read-only file rendered from the process (and thread) while they live.
        func report(
            _ name: StaticString, _ permissions: UInt32 = 0o444, _ body: @escaping (Process, Thread?) -> [UInt8]
        ) -> SyntheticEntry {
            .file(FileSystems.name(name), permissions: permissions) { () throws(Errno) -> [UInt8] in
                let (process, thread) = try task.resolve()
                return body(process, thread)
            }
        }
        list.append(.directory("fd", permissions: 0o500) { _ in ProcDescriptors.links(task.processID) })
        list.append(.directory("fdinfo", permissions: 0o500) { _ in ProcDescriptors.information(task.processID) })
        list.append(report("environ", 0o400) { p, _ in SystemReports.nulSeparated(p.lock.withLock { p.environment }) })
        list.append(report("auxv", 0o400) { p, _ in auxiliaryVector(p) })
        list.append(report("status") { p, t in ProcProcessReports.status(p, thread: t) })
        list.append(report("limits") { p, _ in ResourceLimitsReport.render(p.limits) })
        list.append(
            .file("comm", write: { name throws(Errno) in try rename(task, to: name) }) { () throws(Errno) -> [UInt8] in
                let (process, thread) = try task.resolve()
                return ProcProcessReports.commandName(process, thread: thread) + [ProcText.newline]
            })
        list.append(report("cmdline") { p, _ in SystemReports.nulSeparated(p.lock.withLock { p.arguments }) })
        list.append(report("stat") { p, t in ProcProcessReports.statLine(p, thread: t) })
        list.append(report("statm") { p, _ in ProcProcessReports.memory(p).statm() })
        list.append(report("maps") { p, _ in ProcMemoryMaps.render(p) })
        list.append(report("cgroup") { _, _ in Array("0::/\n".utf8) })
        list.append(report("mounts") { p, _ in ProcSystemReports.mounts(p.fileContext, info: false) })
        list.append(report("mountinfo") { p, _ in ProcSystemReports.mounts(p.fileContext, info: true) })
        for (name, which) in [("cwd", ProcessLink.workingDirectory), ("root", .root), ("exe", .executable)] {
            list.append(
                .link(name, jump: { () throws(Errno) -> LinkJump? in try which.jump(task.process()) }) {
                    () throws(Errno) -> [UInt8] in try which.path(task.process())
                })
        }
        return list
    }

    /// `auxv`: the (key, value) words as they lie on the stack.
    static func auxiliaryVector(_ process: Process) -> [UInt8] {
        var bytes: [UInt8] = []
        for word in process.auxiliaryVector {
            for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return bytes
    }

    /// A write to `comm`: the new name (up to 15 bytes, to the first NUL) of the thread, or of
    /// the main thread for the process's own file.
    static func rename(_ task: ProcTask, to name: [UInt8]) throws(Errno) {
        let (process, thread) = try task.resolve()
        guard let target = thread ?? process.lock.withLock({ process.threads.first }) else { throw .ESRCH }
        var comm = Array(name.prefix(15))
        if let nul = comm.firstIndex(of: 0) { comm.removeSubrange(nul...) }
        target.comm = comm
    }
}
#endif
