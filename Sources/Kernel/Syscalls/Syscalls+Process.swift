#if SKIFF_KERNEL
import CKernel
import LinuxABI
import VFS

/// Processes: exit, fork/vfork/clone, execve, wait, kill, and the identity of threads.
extension Syscalls {
    /// exit(status): ends the calling thread; the last thread's exit ends the process.
    static func exit(_ a: SyscallArguments) -> Int {
        let process = Scheduler.currentProcess
        let status = Int32(truncatingIfNeeded: a.int(0) & 0xFF)
        process.lock.withLock { if !process.exiting { process.waitStatus = status << 8 } }
        ProcessLifecycle.exitThread()
    }

    /// exit_group(status): ends every thread of the process.
    static func exitGroup(_ a: SyscallArguments) -> Int {
        ProcessLifecycle.exitGroup(waitStatus: Int32(truncatingIfNeeded: a.int(0) & 0xFF) << 8)
    }

    // MARK: Creating processes

    /// fork() / vfork(): clone with SIGCHLD (and CLONE_VM|CLONE_VFORK for vfork).
    static func fork(_ a: SyscallArguments) -> SyscallResult {
        createProcess(flags: Signal.SIGCHLD.rawValue, stack: 0, parentTID: 0, childTID: 0, tls: 0, frame: a.frame)
    }

    static func vfork(_ a: SyscallArguments) -> SyscallResult {
        createProcess(
            flags: ProcessConstants.CLONE_VM | ProcessConstants.CLONE_VFORK | Signal.SIGCHLD.rawValue, stack: 0,
            parentTID: 0, childTID: 0, tls: 0, frame: a.frame)
    }

    /// A new process from the calling one. With CLONE_VM it shares the address space (vfork,
    /// posix_spawn) — the parent then waits, with CLONE_VFORK, until the child execs or exits;
    /// otherwise it gets a copy.
    static func createProcess(
        flags: Int, stack: UInt64, parentTID: UInt64, childTID: UInt64, tls: UInt64,
        frame parentFrame: UnsafeMutablePointer<skiff_trap_frame>
    ) -> SyscallResult {
        let parentThread = Scheduler.current
        let parent = Scheduler.currentProcess
        let sharesMemory = flags & ProcessConstants.CLONE_VM != 0
        let space: AddressSpace
        if sharesMemory {
            space = parent.addressSpace
            space.lock.withLock { space.users += 1 }
        } else {
            guard let copy = parent.addressSpace.fork() else { return .failure(.ENOMEM) }
            space = copy
        }
        let files =
            flags & ProcessConstants.CLONE_FILES != 0
            ? parent.files : parent.files.copy(lock: FileSystems.lockFactory.makeLock())
        let id = Scheduler.allocateThreadID()
        let child = Process(id: id, addressSpace: space, files: files, fileContext: parent.fileContext)
        child.parentID = flags & ProcessConstants.CLONE_PARENT != 0 ? parent.parentID : parent.id
        child.signalActions = parent.signalActions
        child.limits = parent.limits
        child.hostname = parent.hostname
        child.arguments = parent.arguments
        child.environment = parent.environment
        child.executablePath = parent.executablePath
        child.executable = parent.executable
        child.auxiliaryVector = parent.auxiliaryVector

        let thread = Thread(id: id, process: child, name: "main")
        guard let kernelStack = KernelStack.allocate() else {
            ProcessLifecycle.release(space)
            return .failure(.ENOMEM)
        }
        thread.kernelStack = kernelStack
        let fpu = FPUState.allocateArea()
        FPUState.save(into: fpu)
        thread.fpu = fpu
        thread.policy = parentThread.policy
        thread.affinity = parentThread.affinity
        thread.signalMask = parentThread.signalMask
        // fork keeps the alternate stack (it is in the copied memory); a vfork child shares
        // the parent's stack memory and starts without one.
        if !sharesMemory { thread.alternateSignalStack = parentThread.alternateSignalStack }
        thread.comm = parentThread.comm
        thread.fsBase = flags & ProcessConstants.CLONE_SETTLS != 0 ? tls : parentThread.fsBase
        thread.gsBase = parentThread.gsBase
        if flags & ProcessConstants.CLONE_CHILD_CLEARTID != 0 { thread.clearChildTID = childTID }
        let frame = thread.userFrame
        frame.pointee = parentFrame.pointee
        frame.pointee.rax = 0
        if stack != 0 { frame.pointee.rsp = stack }
        thread.prepareInitialContext()
        if flags & ProcessConstants.CLONE_PARENT_SETTID != 0 {
            _ = UserMemory.store(UInt32(bitPattern: id), at: parentTID)
        }
        if flags & ProcessConstants.CLONE_CHILD_SETTID != 0 {
            _ = space.store(UInt32(bitPattern: id), at: childTID)
        }
        child.threads = [thread]
        let vfork = flags & ProcessConstants.CLONE_VFORK != 0
        if vfork { child.vforkDone = Semaphore() }
        let done = child.vforkDone
        Processes.add(child)
        parent.lock.withLock { parent.children.append(child) }
        Scheduler.register(thread)
        thread.cpu = Scheduler.placement(for: thread)
        Scheduler.makeRunnable(thread)
        if let done {
            // The parent lends its memory to the child until it execs or exits.
            done.wait()
        }
        return .success(Int(id))
    }

    // MARK: execve

    /// execve(path, argv, envp)
    static func execve(_ a: SyscallArguments) -> SyscallResult {
        execveat(FileConstants.AT_FDCWD, a.a0, a.a1, a.a2, flags: 0, frame: a.frame)
    }

    static func execveat(_ a: SyscallArguments) -> SyscallResult {
        execveat(a.int(0), a.a1, a.a2, a.a3, flags: a.int(4), frame: a.frame)
    }

    static func execveat(
        _ dirfd: Int, _ pathAddress: UInt64, _ argvAddress: UInt64, _ envpAddress: UInt64, flags: Int,
        frame: UnsafeMutablePointer<skiff_trap_frame>
    ) -> SyscallResult {
        guard case .success(var path) = Syscalls.path(pathAddress) else { return .failure(.EFAULT) }
        if dirfd != FileConstants.AT_FDCWD && path.first != UInt8(ascii: "/") {
            guard case .success(let file) = openFile(dirfd) else { return .failure(.EBADF) }
            guard let dir = try? vfs.pathName(of: file, in: context) else { return .failure(.EBADF) }
            path = path.isEmpty ? dir : dir + [UInt8(ascii: "/")] + path
        }
        let arguments: [[UInt8]]
        let environment: [[UInt8]]
        switch stringArray(argvAddress) {
        case .success(let v): arguments = v
        case .failure(let e): return .failure(e)
        }
        switch stringArray(envpAddress) {
        case .success(let v): environment = v
        case .failure(let e): return .failure(e)
        }
        let process = Scheduler.currentProcess
        guard let space = AddressSpace() else { return .failure(.ENOMEM) }
        let loaded: ProgramLoader.Loaded
        do throws(ProgramLoader.Failure) {
            loaded = try ProgramLoader.load(
                path: path, arguments: arguments.isEmpty ? [path] : arguments, environment: environment, into: space,
                context: process.fileContext)
        } catch {
            space.destroy()
            return .failure(error.errno)
        }
        // Past the point of no return: the old program is gone.
        let me = Scheduler.current
        Futex.releaseRobustList(of: me)  // while its memory is still mapped, as Linux does
        let others: [Thread] = process.lock.withLock { process.threads.filter { $0 !== me } }
        for t in others {
            t.killRequested = true
            Scheduler.wake(t)
        }
        let old = process.addressSpace
        process.addressSpace = space
        x86_write_cr3(space.root)
        process.noteResidentPeak(of: old)
        ProcessLifecycle.release(old)
        closed(process.files.closeOnExecSweep())
        IntervalTimers.disarmAll(of: process, keepingRealTimer: true)
        process.timers.removeAll()
        for i in 1..<process.signalActions.count where process.signalActions[i].handler != Signals.SIG_IGN {
            process.signalActions[i] = SignalAction()
        }
        process.lock.withLock {
            process.arguments = arguments
            process.environment = environment
            process.executablePath = path
            process.executable = loaded.executable
            process.auxiliaryVector = loaded.auxiliaryVector
        }
        me.comm = Array(path.split(separator: UInt8(ascii: "/")).last.map { Array($0.prefix(15)) } ?? [])
        DebugThreads.register(me)
        me.fsBase = 0
        me.gsBase = 0
        x86_wrmsr(UInt32(MSR_FS_BASE), 0)
        x86_wrmsr(UInt32(MSR_KERNEL_GS_BASE), 0)
        me.clearChildTID = 0
        me.robustList = 0
        me.alternateSignalStack = SignalStack()
        if let initial = FPUState.initial { FPUState.restore(from: initial) }
        frame.initialize(to: skiff_trap_frame())
        frame.pointee.rip = loaded.entry
        frame.pointee.rsp = loaded.stackPointer
        frame.pointee.rflags = 0x202
        frame.pointee.cs = UInt64(Selector.userCode)
        frame.pointee.ss = UInt64(Selector.userData)
        frame.pointee.vector = 0x100
        me.needsFullRestore = true
        if let done = process.vforkDone {
            process.vforkDone = nil
            done.signal()
        }
        return .success(0)
    }

    /// A NULL-terminated array of string pointers (argv, envp): at most 2 MiB in all (E2BIG).
    static func stringArray(_ address: UInt64) -> Result<[[UInt8]], Errno> {
        var out: [[UInt8]] = []
        guard address != 0 else { return .success([]) }
        var total = 0
        var i: UInt64 = 0
        while true {
            guard case .success(let pointer) = UserMemory.load(UInt64.self, at: address + i * 8) else { return .failure(.EFAULT) }
            if pointer == 0 { break }
            guard case .success(let s) = UserMemory.string(at: pointer, maximum: 128 * 1024) else { return .failure(.EFAULT) }
            total += s.count + 1 + 8
            guard total <= 2 << 20, out.count < 65536 else { return .failure(.E2BIG) }
            out.append(s)
            i += 1
        }
        return .success(out)
    }

    // MARK: Waiting

    /// wait4(pid, wstatus, options, rusage)
    static func wait4(_ a: SyscallArguments) -> SyscallResult {
        let options = a.int(2)
        guard options & ~(ProcessConstants.WNOHANG | ProcessConstants.WUNTRACED | ProcessConstants.WCONTINUED | ProcessConstants.__WALL | 0x2000_0000 | 0x8000_0000) == 0 else {
            return .failure(.EINVAL)
        }
        let target = a.int(0)
        switch waitForChild(matching: { target <= 0 || Int($0.id) == target }, block: options & ProcessConstants.WNOHANG == 0, reap: true) {
        case .success(let child):
            guard let child else { return .success(0) }
            if a.a1 != 0, let e = UserMemory.store(child.waitStatus, at: a.a1) { return .failure(e) }
            if a.a3 != 0, let e = UserMemory.copyOut(child.usageWithChildren().encoded, to: a.a3) { return .failure(e) }
            return .success(Int(child.id))
        case .failure(let e):
            return .failure(e)
        }
    }

    /// waitid(idtype, id, infop, options, rusage)
    static func waitid(_ a: SyscallArguments) -> SyscallResult {
        let idtype = a.int(0)
        let id = a.int(1)
        let options = a.int(3)
        guard options & (ProcessConstants.WEXITED | ProcessConstants.WUNTRACED | ProcessConstants.WCONTINUED) != 0 else {
            return .failure(.EINVAL)
        }
        guard idtype >= 0 && idtype <= 2 else { return .failure(.EINVAL) }
        let reap = options & ProcessConstants.WNOWAIT == 0
        switch waitForChild(matching: { idtype != 1 || Int($0.id) == id }, block: options & ProcessConstants.WNOHANG == 0, reap: reap) {
        case .success(let child):
            var info = StructWriter(size: 128)
            if let child {
                let status = child.waitStatus
                let killed = status & 0x7F != 0
                info.set(Int32(Signal.SIGCHLD.rawValue), at: 0)  // si_signo
                info.set(Int32(killed ? 2 : 1), at: 8)  // si_code: CLD_KILLED or CLD_EXITED
                info.set(child.id, at: 16)  // si_pid
                info.set(Int32(killed ? status & 0x7F : (status >> 8) & 0xFF), at: 24)  // si_status
            }
            if a.a2 != 0, let e = UserMemory.copyOut(info.bytes, to: a.a2) { return .failure(e) }
            if a.a4 != 0 {
                let usage = child?.usageWithChildren() ?? ResourceUsage()
                if let e = UserMemory.copyOut(usage.encoded, to: a.a4) { return .failure(e) }
            }
            return .success(0)
        case .failure(let e):
            return .failure(e)
        }
    }

    /// Finds (and with `reap`, removes) an ended child; waits for one when `block`. nil when
    /// none has ended and not blocking; ECHILD when there is no matching child at all.
    static func waitForChild(matching: (Process) -> Bool, block: Bool, reap: Bool) -> Result<Process?, Errno> {
        let process = Scheduler.currentProcess
        while true {
            let (found, any): (Process?, Bool) = process.lock.withLock {
                var any = false
                for (i, c) in process.children.enumerated() where matching(c) {
                    any = true
                    if c.isZombie {
                        if reap { process.children.remove(at: i) }
                        return (c, true)
                    }
                }
                return (nil, any)
            }
            if let found {
                if reap {
                    Processes.remove(found)
                    let usage = found.usageWithChildren()
                    process.lock.withLock { process.reapedChildren.add(usage) }
                }
                return .success(found)
            }
            if !any { return .failure(.ECHILD) }
            if !block { return .success(nil) }
            let ended = process.childEvents.waitInterruptibly(while: {
                !process.children.contains { matching($0) && $0.isZombie }
            })
            if !ended { return .failure(.ERESTARTSYS) }
        }
    }

    // MARK: Signals to processes and threads

    /// kill(pid, sig)
    static func kill(_ a: SyscallArguments) -> SyscallResult {
        let pid = a.int(0)
        let signal = a.int(1)
        guard signal >= 0, signal <= Signal.count else { return .failure(.EINVAL) }
        var targets: [Process] = []
        if pid > 0 {
            guard let p = Processes.find(Int32(pid)), !p.isZombie else { return .failure(.ESRCH) }
            targets = [p]
        } else {
            targets = Processes.snapshot.filter { !$0.isZombie && (pid != -1 || $0.id != 1 || $0 === process) }
        }
        if signal == 0 { return targets.isEmpty ? .failure(.ESRCH) : .success(0) }
        let info = SignalInfo.sent(Signal(rawValue: signal), code: SignalConstants.SI_USER, pid: process.id, uid: 0)
        for p in targets { Signals.send(info, toProcess: p) }
        return .success(0)
    }

    /// tgkill(tgid, tid, sig) and tkill(tid, sig)
    static func tgkill(_ a: SyscallArguments) -> SyscallResult {
        let tkill = a.number == SyscallNumber.tkill.rawValue
        let tid = tkill ? a.int(0) : a.int(1)
        let signal = tkill ? a.int(1) : a.int(2)
        guard signal >= 0, signal <= Signal.count, tid > 0 else { return .failure(.EINVAL) }
        guard let t = Processes.thread(Int32(tid)) else { return .failure(.ESRCH) }
        if !tkill && Int(t.process!.id) != a.int(0) { return .failure(.ESRCH) }
        if signal == 0 { return .success(0) }
        Signals.send(.sent(Signal(rawValue: signal), code: SignalConstants.SI_TKILL, pid: process.id, uid: 0), to: t)
        return .success(0)
    }

    // MARK: Identity

    static func getpid(_ a: SyscallArguments) -> SyscallResult { .success(Int(process.id)) }
    static func gettid(_ a: SyscallArguments) -> SyscallResult { .success(Int(Scheduler.current.id)) }
    /// The application (process 1) has no parent: Linux reports 0 for that.
    static func getppid(_ a: SyscallArguments) -> SyscallResult { .success(Int(process.parentID)) }
    static func getuid(_ a: SyscallArguments) -> SyscallResult { .success(0) }

    /// arch_prctl(code, addr)
    static func archPrctl(_ a: SyscallArguments) -> SyscallResult {
        let thread = Scheduler.current
        switch a.int(0) {
        case ProcessConstants.ARCH_SET_FS:
            guard a.a1 < UserMemory.limit else { return .failure(.EPERM) }
            thread.fsBase = a.a1
            x86_wrmsr(UInt32(MSR_FS_BASE), a.a1)
            return .success(0)
        case ProcessConstants.ARCH_GET_FS:
            if let e = UserMemory.store(thread.fsBase, at: a.a1) { return .failure(e) }
            return .success(0)
        case ProcessConstants.ARCH_SET_GS:
            guard a.a1 < UserMemory.limit else { return .failure(.EPERM) }
            thread.gsBase = a.a1
            x86_wrmsr(UInt32(MSR_KERNEL_GS_BASE), a.a1)  // the user GS while in the kernel
            return .success(0)
        case ProcessConstants.ARCH_GET_GS:
            if let e = UserMemory.store(thread.gsBase, at: a.a1) { return .failure(e) }
            return .success(0)
        case ProcessConstants.ARCH_GET_CPUID:
            return .success(1)
        default:
            return .failure(.EINVAL)
        }
    }

    /// set_tid_address(tidptr): returns the caller's thread ID.
    static func setTidAddress(_ a: SyscallArguments) -> SyscallResult {
        Scheduler.current.clearChildTID = a.a0
        return .success(Int(Scheduler.current.id))
    }

    /// set_robust_list(head, len): the list `Futex.releaseRobustList` walks when the thread ends.
    static func setRobustList(_ a: SyscallArguments) -> SyscallResult {
        guard a.a1 == 24 else { return .failure(.EINVAL) }
        Scheduler.current.robustList = a.a0
        return .success(0)
    }

    /// get_robust_list(tid, head_ptr, len_ptr) for a thread of this process (0: the caller).
    /// musl asks it once to learn whether the kernel supports robust mutexes at all.
    static func getRobustList(_ a: SyscallArguments) -> SyscallResult {
        guard let t = thread(a.int(0)) else { return .failure(.ESRCH) }
        if let e = UserMemory.store(t.robustList, at: a.a1) { return .failure(e) }
        if let e = UserMemory.store(UInt64(24), at: a.a2) { return .failure(e) }
        return .success(0)
    }
}
#endif
