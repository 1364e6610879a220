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

        /// `HOST:GUEST` or `HOST:GUEST/udp` (`-p 8080:80`), or a single port for both sides.
        public static func parse(_ text: String) throws -> PortForward {
            var spec = Substring(text)
            var proto = "tcp"
            if let slash = spec.firstIndex(of: "/") {
                proto = String(spec[spec.index(after: slash)...]).lowercased()
                spec = spec[..<slash]
            }
            let parts = spec.split(separator: ":", omittingEmptySubsequences: false)
            let ports = parts.map { Int($0) }
            guard proto == "tcp" || proto == "udp", parts.count == 1 || parts.count == 2,
                ports.allSatisfy({ $0 != nil && $0! >= 1 && $0! <= 65535 })
            else {
                throw SkiffError(
                    "invalid port forward '\(text)': use HOST:GUEST such as -p 8080:80 (or 5353:53/udp)",
                    exitStatus: ExitStatus.usage)
            }
            return PortForward(proto: proto, hostPort: ports[0]!, guestPort: ports.last!!)
        }
    }

    /// How the guest reaches a network.
    public enum Network: Equatable {
        case none
        /// QEMU's user-mode network (NAT, no privileges needed), with port forwards.
        case user
        /// A host tap interface (nil: QEMU creates one, which needs privileges).
        case tap(String?)

        /// `none`, `user`, `tap` or `tap:IFNAME`.
        public static func parse(_ text: String) throws -> Network {
            switch text {
            case "none": return .none
            case "user": return .user
            case "tap": return .tap(nil)
            default:
                if text.hasPrefix("tap:"), text.count > 4 { return .tap(String(text.dropFirst(4))) }
                throw SkiffError("invalid --net '\(text)': use user, tap, tap:IFNAME or none", exitStatus: ExitStatus.usage)
            }
        }
    }

    /// A disk image attached as a virtio-blk device.
    public struct Disk: Equatable {
        public var path: String
        /// `raw` or `qcow2`, as QEMU's `format=`.
        public var format: String
        public init(path: String, format: String = "raw") {
            self.path = path
            self.format = format
        }

        /// A disk whose format is read from its first bytes (qcow2's magic, else raw).
        public static func detect(_ path: String) -> Disk {
            var format = "raw"
            if let handle = FileHandle(forReadingAtPath: path) {
                if (try? handle.read(upToCount: 4)) == Data([0x51, 0x46, 0x49, 0xFB]) { format = "qcow2" }
                try? handle.close()
            }
            return Disk(path: path, format: format)
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
    public var disks: [Disk] = []
    /// Attach a virtio-rng device fed from the host's /dev/urandom.
    public var randomNumberGenerator = false
    /// Keep QEMU's legacy (version 1) virtio-mmio interface on microvm instead of virtio 1.x.
    public var legacyVirtioMMIO = false
    /// Host folders shared over virtio-9p, each under a mount tag.
    public var shares: [(hostPath: String, tag: String)] = []
    public var network: Network = .none
    /// Queue pairs of a tap NIC (multi-queue virtio-net; QEMU opens the tap once per pair).
    public var networkQueues = 1
    /// Port forwards for `.user` networking.
    public var forwards: [PortForward] = []
    /// Start QEMU's GDB stub on this TCP port.
    public var gdbPort: Int? = nil
    /// Stop the CPU at the first instruction until GDB continues it.
    public var waitForDebugger = false
    public var extraArguments: [String] = []
    /// A command QEMU is started under, given QEMU's path and arguments after its own: `ip netns
    /// exec NAME` runs the VM in a network namespace (the benchmark's tap network). Empty: none.
    public var launcher: [String] = []
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
        /// The console's raw bytes with their arrival times.
        public var timeline = ConsoleTimeline(bytes: [], arrivals: [])

        /// The program's exit status, or the one-line error for a VM that timed out or a QEMU
        /// that failed. `timeout` is what the VM was given, for the message.
        public func programStatus(timeout: Double?) throws -> Int32 {
            if timedOut {
                let limit = timeout.map { $0 == $0.rounded() ? "\(Int($0))" : "\($0)" } ?? "?"
                throw SkiffError(
                    "the VM did not finish within \(limit) s and was stopped: raise --timeout, or check that the program ends",
                    exitStatus: ExitStatus.timedOut)
            }
            guard let exitStatus else {
                let detail = qemuErrors.split(separator: "\n").first.map(String.init) ?? "exit status \(qemuStatus)"
                throw SkiffError("QEMU failed: \(detail)", exitStatus: ExitStatus.vmFailed)
            }
            return exitStatus
        }
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
            args += ["-drive", "if=none,id=disk\(i),file=\(Self.escapeOption(disk.path)),format=\(disk.format),cache=unsafe,discard=unmap"]
            args += ["-device", "virtio-blk-\(bus),drive=disk\(i)"]
        }
        if randomNumberGenerator {
            args += ["-object", "rng-random,id=rng0,filename=/dev/urandom", "-device", "virtio-rng-\(bus),rng=rng0"]
        }
        for share in shares {
            args += ["-fsdev", "local,id=\(share.tag),path=\(Self.escapeOption(share.hostPath)),security_model=none"]
            args += ["-device", "virtio-9p-\(bus),fsdev=\(share.tag),mount_tag=\(share.tag)"]
        }
        switch network {
        case .none:
            break
        case .user:
            var netdev = "user,id=net0"
            for f in forwards { netdev += ",hostfwd=\(f.proto)::\(f.hostPort)-:\(f.guestPort)" }
            args += ["-netdev", netdev, "-device", "virtio-net-\(bus),netdev=net0"]
        case .tap(let name):
            var netdev = "tap,id=net0,script=no,downscript=no"
            if let name { netdev += ",ifname=\(Self.escapeOption(name))" }
            var device = "virtio-net-\(bus),netdev=net0"
            if networkQueues > 1 {
                netdev += ",queues=\(networkQueues),vhost=off"
                // A vector per queue, one for the control queue and one for configuration.
                device += ",mq=on" + (machine == .microvm ? "" : ",vectors=\(2 * networkQueues + 2)")
            }
            args += ["-netdev", netdev, "-device", device]
        }
        // Loopback only: the stub reads and writes guest memory for anyone who connects.
        if let gdbPort { args += ["-gdb", "tcp:127.0.0.1:\(gdbPort)"] }
        if waitForDebugger { args += ["-S"] }
        args += extraArguments
        return args
    }

    /// QEMU option values separate suboptions with commas; a literal comma is doubled.
    static func escapeOption(_ value: String) -> String {
        value.replacingOccurrences(of: ",", with: ",,")
    }

    /// Boots the VM and waits for it to end.
    public func run(accelerator: Accelerator) throws -> Outcome {
        guard let qemuPath = Subprocess.find(qemu) else {
            throw SkiffError(
                "QEMU (\(qemu)) is not installed: run 'apt-get install qemu-system-x86' (or 'make deps')",
                exitStatus: ExitStatus.unavailable)
        }
        guard FileManager.default.fileExists(atPath: kernel) else {
            throw SkiffError("kernel \(kernel) does not exist: build it with 'make kernel'", exitStatus: ExitStatus.unavailable)
        }
        var process = Subprocess(qemuPath, arguments(accelerator: accelerator))
        if let command = launcher.first {
            process = Subprocess(command, Array(launcher.dropFirst()) + [qemuPath] + process.arguments)
        }
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
            elapsed: result.elapsed, accelerator: accelerator,
            timeline: ConsoleTimeline(bytes: result.standardOutput, arrivals: result.outputArrivals))
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
