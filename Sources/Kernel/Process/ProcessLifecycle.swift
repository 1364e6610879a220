#if SKIFF_KERNEL
import CKernel
import LinuxABI
import VFS

/// How processes and their threads end.
///
/// A process ends when its last thread leaves. `exit_group`, a fatal signal or `execve` in a
/// multithreaded process ask the other threads to leave (`killRequested`); each does at its
/// next return towards user mode, and blocking calls return early for it. The last thread out
/// tears the process down: files closed, memory released, children handed to process 1, the
/// parent told (SIGCHLD, wait4). Process 1 is the application the VM was started for: when it
/// ends, the VM powers off with its status.
enum ProcessLifecycle {
    /// Ends the whole process of the calling thread with `waitStatus` (exit code << 8, or the
    /// signal number for a kill).
    static func exitGroup(waitStatus: Int32) -> Never {
        let process = Scheduler.currentProcess
        requestExit(process, waitStatus: waitStatus)
        exitThread()
    }

    /// Asks every thread of `process` to end (from any thread, of any process).
    static func requestExit(_ process: Process, waitStatus: Int32) {
        let threads: [Thread] = process.lock.withLock {
            if !process.exiting {
                process.exiting = true
                process.waitStatus = waitStatus
            }
            return process.threads
        }
        for t in threads where t !== Scheduler.currentThread {
            t.killRequested = true
            Scheduler.wake(t)
            // A thread running user code on another CPU notices at its next interrupt.
            let cpu = Scheduler.cpus[t.cpu]
            if cpu !== Scheduler.thisCPU && cpu.current === t {
                LocalAPIC.sendIPI(to: cpu.apicID, vector: LocalAPIC.rescheduleVector)
            }
        }
    }

    /// Ends the calling thread; the last one out finishes the process.
    static func exitThread() -> Never {
        let me = Scheduler.current
        let process = Scheduler.currentProcess
        // Locks it still holds go to their waiters marked owner-died, even when the whole
        // process is going: another process may share them.
        if Futex.releaseRobustList(of: me) || process.usesPIFutexes { Futex.releasePILocks(of: me, in: process) }
        if me.clearChildTID != 0 && !process.exiting {
            // Tell a joining thread: zero the TID word and wake a waiter. Linux wakes it as a
            // shared futex, and libcs wait accordingly (musl's thread-list lock).
            _ = UserMemory.store(UInt32(0), at: me.clearChildTID)
            _ = try? Futex.wake(me.clearChildTID, count: 1, shared: true)
        }
        let remaining: Int = process.lock.withLock {
            process.threads.removeAll { $0 === me }
            process.exitedThreads.add(me.usage)
            return process.threads.count
        }
        if remaining == 0 { finish(process) }
        Scheduler.exitCurrent()
    }

    /// The last thread of `process` is leaving.
    private static func finish(_ process: Process) {
        if process.id == 1 {
            let status = process.waitStatus
            let code = status & 0x7F != 0 ? 128 + (status & 0x7F) : (status >> 8) & 0xFF
            Kernel.applicationExited(status: code)
        }
        Syscalls.closed(process.files.removeAll())
        RecordLocks.releaseAll(owner: ObjectIdentifier(process))
        process.noteResidentPeak()
        IntervalTimers.disarmAll(of: process)
        process.timers.removeAll()
        process.realTimer = nil
        release(process.addressSpace)
        let initProcess = Processes.find(1)
        let orphans: [Process] = process.lock.withLock {
            let c = process.children
            process.children.removeAll()
            process.isZombie = true
            return c
        }
        if let initProcess {
            for o in orphans { o.parentID = 1 }
            initProcess.lock.withLock { initProcess.children += orphans }
            if orphans.contains(where: { $0.isZombie }) { initProcess.childEvents.wakeAll() }
        }
        process.vforkDone?.signal()
        process.vforkDone = nil
        if let parent = Processes.find(process.parentID) {
            // SIGCHLD first, as Linux does: a parent woken from wait4 then runs its handler
            // before wait4 returns.
            let status = process.waitStatus
            let killed = status & 0x7F != 0
            Signals.send(
                .child(
                    pid: process.id, uid: 0, code: killed ? SignalConstants.CLD_KILLED : SignalConstants.CLD_EXITED,
                    status: killed ? status & 0x7F : (status >> 8) & 0xFF),
                toProcess: parent)
            parent.childEvents.wakeAll()
        } else {
            Processes.remove(process)  // nobody will wait for it
        }
    }

    /// Drops one user of an address space, destroying it with the last.
    static func release(_ space: AddressSpace) {
        let last: Bool = space.lock.withLock {
            space.users -= 1
            return space.users == 0
        }
        if last { space.destroy() }
    }

    /// Leaves now if the calling thread has been asked to (called on the way to user mode).
    static func leaveIfRequested() {
        guard let t = Scheduler.currentThread, !t.isKernelThread else { return }
        if t.killRequested || t.process!.exiting { exitThread() }
    }
}
#endif
