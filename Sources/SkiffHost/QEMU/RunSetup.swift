import Foundation

/// What the user asked of `skiff run` beyond the image: each field overrides the image's
/// configuration when set.
public struct RunOptions {
    public var cpus: Int? = nil
    public var memoryMiB: Int? = nil
    public var machine: VirtualMachine.Machine = .microvm
    public var network: VirtualMachine.Network = .none
    public var forwards: [VirtualMachine.PortForward] = []
    public var shares: [Share] = []
    public var disks: [String] = []
    public var gdbPort: Int? = nil
    public var waitForDebugger = false
    public var bootOptions: [String] = []
    public var environment: [String] = []
    public var workingDirectory: String? = nil
    public var timeout: Double? = nil
    /// The program and its arguments; empty means the image's default command.
    public var arguments: [String] = []

    public init() {}

    /// A host folder the guest mounts over virtio-9p.
    public struct Share: Equatable {
        public var hostPath: String
        public var guestPath: String

        /// `HOSTDIR:GUESTDIR`.
        public static func parse(_ text: String) throws -> Share {
            guard let colon = text.lastIndex(of: ":"), colon != text.startIndex else {
                throw SkiffError(
                    "invalid --share '\(text)': use HOSTDIR:GUESTDIR such as --share ./data:/data", exitStatus: ExitStatus.usage)
            }
            let host = HostPath.absolute(String(text[..<colon]))
            let guest = String(text[text.index(after: colon)...])
            guard guest.hasPrefix("/") else {
                throw SkiffError(
                    "invalid --share '\(text)': the guest folder must be absolute, such as /data", exitStatus: ExitStatus.usage)
            }
            guard !guest.contains(",") && !guest.contains(" ") else {
                throw SkiffError(
                    "invalid --share '\(text)': the guest folder cannot contain a comma or space", exitStatus: ExitStatus.usage)
            }
            return Share(hostPath: host, guestPath: guest)
        }
    }
}

/// Turns an image, its stored configuration and the user's options into a VM ready to boot.
public enum RunSetup {
    public static let defaultMemoryMiB = 256
    public static let defaultCPUs = 1

    /// With no image the kernel boots alone, with just the boot options (`--help`, `--kernel-test=…`).
    public static func virtualMachine(kernel: String, image: String?, config: ImageConfig, options: RunOptions) throws
        -> VirtualMachine
    {
        var vm = VirtualMachine(kernel: kernel)
        vm.initrd = image
        vm.machine = options.machine
        vm.cpus = options.cpus ?? config.cpus ?? defaultCPUs
        vm.memoryMiB = options.memoryMiB ?? config.memoryMiB ?? defaultMemoryMiB
        guard vm.cpus >= 1 && vm.cpus <= 255 else {
            throw SkiffError("invalid --cpus \(vm.cpus): use 1 to 255", exitStatus: ExitStatus.usage)
        }
        vm.timeout = options.timeout
        vm.network = options.network
        vm.forwards = options.forwards
        if !options.forwards.isEmpty && options.network != .user {
            if options.network == .none {
                vm.network = .user
            } else {
                throw SkiffError(
                    "-p forwards ports with --net user only; with a tap device, connect to the guest's address",
                    exitStatus: ExitStatus.usage)
            }
        }
        for disk in options.disks {
            let path = HostPath.absolute(disk)
            guard FileInfo(path)?.kind == .regular else {
                throw SkiffError(
                    "--disk \(disk): no such file (create one with qemu-img create -f raw FILE 1G)",
                    exitStatus: ExitStatus.missingInput)
            }
            vm.disks.append(.detect(path))
        }
        var commandLine = BootCommandLine()
        for (i, share) in options.shares.enumerated() {
            guard FileInfo(share.hostPath)?.kind == .directory else {
                throw SkiffError("--share \(share.hostPath): no such directory on the host", exitStatus: ExitStatus.missingInput)
            }
            let tag = "share\(i)"
            vm.shares.append((share.hostPath, tag))
            commandLine.mounts.append(.init(type: "9p", source: tag, path: share.guestPath))
        }
        vm.gdbPort = options.gdbPort
        vm.waitForDebugger = options.waitForDebugger
        commandLine.bootOptions = config.bootOptions + options.bootOptions
        commandLine.environment = config.environment + options.environment
        commandLine.workingDirectory = options.workingDirectory ?? config.workingDirectory
        commandLine.arguments = options.arguments.isEmpty ? config.command : options.arguments
        guard !commandLine.arguments.isEmpty || image == nil else {
            throw SkiffError(
                "the image has no default command: give the program to run after the image, such as skiff run IMAGE /bin/app",
                exitStatus: ExitStatus.usage)
        }
        vm.commandLine = commandLine.rendered()
        return vm
    }
}
