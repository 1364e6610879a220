#if SKIFF_KERNEL
import LinuxABI

/// The process (and thread) a /proc directory shows, by ID: nodes hold IDs rather than the
/// objects, so a working directory or open file inside /proc never keeps a process alive, and
/// once the process is reaped (or the thread gone) its files answer ESRCH. IDs are never reused.
struct ProcTask {
    let processID: Int32
    let threadID: Int32?

    func process() throws(Errno) -> Process {
        guard let process = Processes.find(processID) else { throw .ESRCH }
        return process
    }

    func resolve() throws(Errno) -> (Process, Thread?) {
        let process = try process()
        guard let threadID else { return (process, nil) }
        guard let thread = process.lock.withLock({ process.threads.first { $0.id == threadID } }) else { throw .ESRCH }
        return (process, thread)
    }
}
#endif
