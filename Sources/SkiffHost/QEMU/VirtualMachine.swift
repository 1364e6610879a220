import Foundation

/// One Skiff VM: how to start QEMU for it, and what came out.
public struct VirtualMachine {
    public enum Machine: String, CaseIterable, Sendable {
        case q35, microvm
    }

    /// A host port forwarded to a guest port (QEMU user networking `hostfwd`).
    public struct PortForward: Equatable {
        public var proto: String
        public var hostPort: Int
        public var guestPort: Int
        public init(proto: String = "tcp", hostPort: Int, guestPort: Int) {
            self.proto = proto
            self.hostPort = hostPort
            self.guestPort = guestPort
        }
    }

    public var kernel: String
    public var initrd: String? = nil
    public var commandLine = ""
    public var machine: Machine = .microvm
    public var memoryMiB = 256
    public var cpus = 1
    public var qemu = "qemu-system-x86_64"
    /// Seconds before the VM is killed; nil waits forever.
    public var timeout: Double? = nil
    /// Raw disk images, attached as virtio-blk (discards punch holes in the image).
    public var disks: [String] = []
    /// Attach a virtio-rng device fed from the host's /dev/urandom.
    public var randomNumberGenerator = false
    /// Keep QEMU's legacy (version 1) virtio-mmio interface on microvm instead of virtio 1.x.
    public var legacyVirtioMMIO = false
    /// `HOSTDIR:GUESTTAG` folders shared over virtio-9p.
    public var shares: [(hostPath: String, tag: String)] = []
    public var network = false
    public var forwards: [PortForward] = []
    /// Start QEMU's GDB stub on this TCP port.
    public var gdbPort: Int? = nil
    /// Stop the CPU at the first instruction until GDB continues it.
    public var waitForDebugger = false
    public var extraArguments: [String] = []
    /// Stream the serial console to this handle while the VM runs.
    public var echo: FileHandle? = nil
    public var input: FileHandle? = nil

    public init(kernel: String) {
        self.kernel = kernel
    }

    /// What a finished VM reports.
    public struct Outcome {
        /// The application's exit status, decoded from QEMU's; nil when QEMU itself failed or the
        /// VM timed out.
        public var exitStatus: Int32?
        public var qemuStatus: Int32
        /// Serial console output with CR LF turned into LF.
        public var console: String
        public var qemuErrors: String
        public var timedOut: Bool
        public var elapsed: Double
        public var accelerator: Accelerator
    }

    /// QEMU's arguments for this VM.
    public func arguments(accelerator: Accelerator) -> [String] {
        var args: [String] = []
        switch machine {
        case .q35:
            args += ["-M", "q35"]
        case .microvm:
            args += ["-M", "microvm,x-option-roms=off"]
        }
        switch accelerator {
        case .kvm: args += ["-accel", "kvm", "-cpu", "host"]
        case .tcg, .auto: args += ["-accel", "tcg", "-cpu", "max"]
        }
        args += ["-m", "\(memoryMiB)M", "-smp", "\(cpus)"]
        args += ["-display", "none", "-vga", "none", "-nodefaults", "-no-user-config", "-no-reboot"]
        args += ["-chardev", "stdio,id=console,signal=off", "-serial", "chardev:console"]
        args += ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
        args += ["-kernel", kernel]
        if let initrd { args += ["-initrd", initrd] }
        if !commandLine.isEmpty { args += ["-append", commandLine] }
        let bus = machine == .microvm ? "device" : "pci"
        if machine == .microvm && !legacyVirtioMMIO {
            args += ["-global", "virtio-mmio.force-legacy=false"]
        }
        for (i, disk) in disks.enumerated() {
            args += ["-drive", "if=none,id=disk\(i),file=\(disk),format=raw,cache=unsafe,discard=unmap"]
            args += ["-device", "virtio-blk-\(bus),drive=disk\(i)"]
        }
        if randomNumberGenerator {
            args += ["-object", "rng-random,id=rng0,filename=/dev/urandom", "-device", "virtio-rng-\(bus),rng=rng0"]
        }
        for share in shares {
            args += ["-fsdev", "local,id=\(share.tag),path=\(share.hostPath),security_model=none"]
            args += ["-device", "virtio-9p-\(bus),fsdev=\(share.tag),mount_tag=\(share.tag)"]
        }
        if network {
            var netdev = "user,id=net0"
            for f in forwards { netdev += ",hostfwd=\(f.proto)::\(f.hostPort)-:\(f.guestPort)" }
            args += ["-netdev", netdev, "-device", "virtio-net-\(bus),netdev=net0"]
        }
        if let gdbPort { args += ["-gdb", "tcp::\(gdbPort)"] }
        if waitForDebugger { args += ["-S"] }
        args += extraArguments
        return args
    }

    /// Boots the VM and waits for it to end.
    public func run(accelerator: Accelerator) throws -> Outcome {
        guard let qemuPath = Subprocess.find(qemu) else {
            throw SkiffError("QEMU is not installed: run 'apt-get install qemu-system-x86' (or 'make deps')")
        }
        guard FileManager.default.fileExists(atPath: kernel) else {
            throw SkiffError("kernel \(kernel) does not exist: build it with 'make kernel'")
        }
        var process = Subprocess(qemuPath, arguments(accelerator: accelerator))
        process.timeout = timeout
        process.echoOutput = echo
        process.input = input
        let result = try process.run()
        let console = result.outputText.replacingOccurrences(of: "\r\n", with: "\n")
        let errors = result.errorText
        var status = result.timedOut ? nil : Self.decodeExitStatus(qemuStatus: result.status, qemuErrors: errors)
        if let s = status { status = Self.fullExitStatus(decoded: s, console: console) }
        return Outcome(
            exitStatus: status,
            qemuStatus: result.status, console: console, qemuErrors: errors, timedOut: result.timedOut,
            elapsed: result.elapsed, accelerator: accelerator)
    }

    /// The kernel ends the VM by ACPI power-off for status 0 (QEMU exits 0) and through
    /// `isa-debug-exit` otherwise (QEMU exits `status << 1 | 1`). QEMU's own failures exit 1 and
    /// print to stderr, which is how they are told apart from a debug-exit of 0.
    /// QEMU's exit code keeps 7 bits of a status; for 128 and above the kernel prints
    /// `skiff: exit status N` just before powering off, which restores the rest.
    public static func fullExitStatus(decoded: Int32, console: String) -> Int32 {
        guard decoded < 128, let line = console.split(separator: "\n").last(where: { $0.hasPrefix("skiff: exit status ") }),
            let full = Int32(line.dropFirst("skiff: exit status ".count)), full >= 128, full & 0x7F == decoded
        else { return decoded }
        return full
    }

    public static func decodeExitStatus(qemuStatus: Int32, qemuErrors: String) -> Int32? {
        if qemuStatus == 0 { return 0 }
        if qemuStatus == 1 && qemuErrors.contains("qemu-system") { return nil }
        if qemuStatus & 1 == 1 { return qemuStatus >> 1 }
        return nil
    }
}
