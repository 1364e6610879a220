#if SKIFF_KERNEL
import Boot
import CKernel
import LinuxABI
import Memory
import ProcFS

/// Synchronous faults of the application (SIGSEGV, SIGILL, SIGFPE, …).
///
/// The faulting thread's handler runs at once, at the faulting instruction, when it has one
/// it does not block. Otherwise the process is killed: the kernel says why in one line (for
/// the application itself, or with --verbose), and the VM's exit status is 128 + the signal
/// number, as a shell reports a program killed by a signal.
enum UserFault {
    static func deliver(_ frame: UnsafeMutablePointer<skiff_trap_frame>, signal: Signal, address: UInt64) {
        // User mode always runs with interrupts on; writing the signal frame or ending the
        // process (IPIs, waits) needs them on here too.
        x86_sti()
        defer { x86_cli() }
        let f = frame.pointee
        let info = SignalInfo.fault(signal, code: code(for: signal, vector: f.vector, errorCode: f.error_code, address: address), address: f.vector == 13 ? 0 : address)
        if SignalDelivery.deliverFault(frame, info: info, faultAddress: f.vector == 14 ? address : 0) { return }
        let process = Scheduler.currentThread?.process
        // The application's own death is worth a line; a child's is its parent's business.
        if process?.id == 1 || Kernel.options.verbose {
            log(
                (process?.name ?? "the application") + " (pid \(process?.id ?? 0), thread \(Scheduler.currentThread?.id ?? 0))"
                    + " killed by " + String(signal.name) + " ("
                    + Traps.describe(vector: f.vector) + " at " + ProgramLoader.hex(address) + ", rip "
                    + ProgramLoader.hex(f.rip) + ")")
            if let process { log("  at " + backtrace(rip: f.rip, rbp: f.rbp, in: process)) }
        }
        ProcessLifecycle.exitGroup(waitStatus: Int32(signal.rawValue))
    }

    /// The faulting instruction and up to eight callers found through the frame-pointer chain,
    /// each as FILE+0xOFFSET with the offset into the file (`readelf -l` maps it back to an
    /// address for `addr2line`), so a crash in CI can be placed without reproducing it.
    static func backtrace(rip: UInt64, rbp: UInt64, in process: Process) -> String {
        let areas = ProcMemoryMaps.entries(process.addressSpace.report)
        func place(_ address: UInt64) -> String {
            guard let area = areas.first(where: { address >= $0.start && address < $0.end }) else { return ProgramLoader.hex(address) }
            let name = area.name.isEmpty ? "[anonymous]" : String(decoding: area.name, as: UTF8.self)
            return name + "+" + ProgramLoader.hex(area.offset &+ (address &- area.start))
        }
        var text = place(rip)
        var frame = rbp
        for _ in 0..<8 {
            guard frame != 0, frame & 7 == 0, case .success(let caller) = UserMemory.load(UInt64.self, at: frame),
                case .success(let returnAddress) = UserMemory.load(UInt64.self, at: frame &+ 8), returnAddress != 0
            else { break }
            text += " < " + place(returnAddress)
            guard caller > frame else { break }
            frame = caller
        }
        return text
    }

    /// `si_code` for a fault: what Linux reports for the same exception.
    static func code(for signal: Signal, vector: UInt64, errorCode: UInt64, address: UInt64) -> Int32 {
        switch signal {
        case .SIGSEGV:
            guard vector == 14 else { return SignalConstants.SI_KERNEL }
            // Linux says ACCERR when the address is mapped but the access is not allowed,
            // whether or not the page was present yet.
            let space = Scheduler.currentProcess.addressSpace
            let mapped = space.lock.withLock { space.map.area(containing: address) != nil }
            return mapped ? SignalConstants.SEGV_ACCERR : SignalConstants.SEGV_MAPERR
        case .SIGFPE: return vector == 0 ? SignalConstants.FPE_INTDIV : 7  // FPE_FLTINV
        case .SIGILL: return SignalConstants.ILL_ILLOPN
        case .SIGBUS: return vector == 14 ? SignalConstants.BUS_ADRERR : SignalConstants.BUS_ADRALN
        case .SIGTRAP: return SignalConstants.TRAP_BRKPT
        default: return SignalConstants.SI_KERNEL
        }
    }
}
#endif
