#if SKIFF_KERNEL
/// A Linux process: a thread group sharing an address space, open files and signal handlers.
final class Process {
    let id: Int32
    let addressSpace: AddressSpace
    var threads: [Thread] = []
    /// argv[0] as given, for messages and /proc/self/cmdline.
    var arguments: [[UInt8]] = []
    var environment: [[UInt8]] = []
    var executablePath: [UInt8] = []
    var exitStatus: Int32? = nil

    init(id: Int32, addressSpace: AddressSpace) {
        self.id = id
        self.addressSpace = addressSpace
    }

    /// The name used in kernel messages.
    var name: String { String(decoding: executablePath.isEmpty ? (arguments.first ?? []) : executablePath, as: UTF8.self) }
}
#endif
