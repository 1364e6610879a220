#if SKIFF_KERNEL
import VFS

/// A Linux process: a thread group sharing an address space, open files and signal handlers.
final class Process {
    let id: Int32
    let addressSpace: AddressSpace
    /// Open file descriptors.
    let files: FileDescriptorTable
    /// Root, working directory, umask and credentials for path resolution.
    var fileContext: FileContext
    /// Guards `threads` and the other per-process lists.
    let lock = SpinLock()
    var threads: [Thread] = []
    /// argv[0] as given, for messages and /proc/self/cmdline.
    var arguments: [[UInt8]] = []
    var environment: [[UInt8]] = []
    var executablePath: [UInt8] = []
    var exitStatus: Int32? = nil
    /// `rt_sigaction` state per signal (index = signal number).
    var signalActions = [SignalAction](repeating: SignalAction(), count: 65)
    /// CPU time of threads that have exited (for CLOCK_PROCESS_CPUTIME_ID and getrusage).
    var exitedThreadsCPUTime: UInt64 = 0

    init(id: Int32, addressSpace: AddressSpace, files: FileDescriptorTable, fileContext: FileContext) {
        self.id = id
        self.addressSpace = addressSpace
        self.files = files
        self.fileContext = fileContext
    }

    /// The name used in kernel messages.
    var name: String { String(decoding: executablePath.isEmpty ? (arguments.first ?? []) : executablePath, as: UTF8.self) }
}
#endif

#if SKIFF_KERNEL
/// A `struct sigaction` as the kernel ABI has it: handler, flags, restorer, mask.
struct SignalAction {
    var handler: UInt64 = 0  // SIG_DFL
    var flags: UInt64 = 0
    var restorer: UInt64 = 0
    var mask: UInt64 = 0
}
#endif
