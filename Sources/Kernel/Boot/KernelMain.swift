#if SKIFF_KERNEL
import ACPI
import Boot
import CKernel
import LinuxABI
import VFS

/// Boot state shared by the phases of `kernel_main`.
enum Kernel {
    nonisolated(unsafe) static var bootchart = Bootchart(entryTSC: 0)
    nonisolated(unsafe) static var options = BootOptions()
    nonisolated(unsafe) static var startInfo: PVHStartInfo? = nil

    static let version: StaticString = "0.1.0"

    /// Exit status for a command line the kernel rejects (as for a usage error in a CLI tool).
    static let badCommandLineStatus: Int32 = 2

    static func mark(_ phase: StaticString) {
        bootchart.mark(phase, tsc: x86_rdtsc())
    }
}

/// The first Swift code to run, on the boot stack with interrupts off. Called from
/// `pvh_start64` with the physical address of the PVH start info and the TSC at entry.
@_cdecl("kernel_main")
public func kernel_main(_ startInfoAddress: UInt64, _ entryTSC: UInt64) -> Never {
    SerialPort.com1.initialize()
    CPUFeatures.detect()
    Kernel.randomizeStackGuard(entryTSC: entryTSC)
    PerCPU.patchSMAPSitesIfUnsupported()
    let earlyStack = UInt64(skiff_early_ist_top())
    CPUDescriptorTables.bootProcessor.install(istTops: [earlyStack, earlyStack, earlyStack])
    IDT.install()
    LegacyPIC.disable()
    PerCPU.initializeCurrent(PerCPU.bootBlock, index: 0)
    Kernel.bootchart = Bootchart(entryTSC: entryTSC)
    Kernel.mark("early console and traps")

    let info: PVHStartInfo
    do throws(BootOptionError) {
        info = try PVHStartInfo(at: startInfoAddress, read: DirectMap.read)
    } catch {
        log("boot: " + error.message)
        PowerControl.exit(status: Panic.exitStatus)
    }
    Kernel.startInfo = info
    Firmware.discover(rsdp: info.rsdpAddress)
    Kernel.mark("firmware tables")

    do throws(BootOptionError) {
        Kernel.options = try KernelCommandLine.parse(info.commandLine)
    } catch {
        log(error.message)
        PowerControl.exit(status: Kernel.badCommandLineStatus)
    }
    let options = Kernel.options
    if options.help {
        Console.writeLine(KernelCommandLine.usage)
        PowerControl.exit(status: 0)
    }
    Kernel.mark("command line")

    TSC.calibrate()
    Kernel.mark("TSC calibration")

    Kernel.initializeMemory(info)
    Kernel.mark("memory")
    Tracing.configure(options: options, cpuCount: Kernel.processorCount)

    Kernel.initializeScheduling(entryTSC: entryTSC)
    if let hz = options.samplerHz { Sampler.start(hz: hz) }
    if options.strace { LiveTrace.start() }
    Kernel.mark("interrupts and scheduler")

    Devices.probe()
    Kernel.mark("devices")

    if options.delayMicroseconds > 0 {
        let until = x86_rdtsc() &+ UInt64(options.delayMicroseconds) &* (TSC.hz / 1_000_000)
        while x86_rdtsc() < until { x86_pause() }
        Kernel.mark("--delay")
    }

    if let test = options.kernelTest {
        KernelTests.run(test)
    }

    if options.arguments.isEmpty {
        log("no application given: pass the program and its arguments after the options (--help lists the options)")
        PowerControl.exit(status: Kernel.badCommandLineStatus)
    }
    VDSO.initialize()
    BootImage.open(modules: info.modules)
    if let failure = FileSystems.mountAll(options: options) {
        log(failure)
        PowerControl.exit(status: Panic.exitStatus)
    }
    Kernel.mark("file systems")
    Network.start(options: options)
    FileSystems.provideNameResolution()
    if let port = options.monitorPort { MonitorServer.start(port: port) }
    Kernel.mark("network")
    Kernel.runApplication()
}

extension Kernel {
    /// The C stack protector's canary, before any other CPU runs and before any protected C
    /// function is on a stack: RDRAND where the CPU has it, mixed with the TSC.
    static func randomizeStackGuard(entryTSC: UInt64) {
        var value: UInt64 = 0
        if CPUFeatures.hasRDRAND { _ = x86_rdrand64(&value) }
        value ^= (x86_rdtsc() &* 0x9E37_79B9_7F4A_7C15) ^ (entryTSC << 17)
        skiff_set_stack_guard(UInt(value & ~0xFF))  // a zero low byte stops string overflows
    }

    /// Exit status when the program is not in the image (as a shell reports "not found").
    static let notFoundStatus: Int32 = 127
    /// Exit status when the program exists but cannot be executed.
    static let notExecutableStatus: Int32 = 126

    /// Starts the application named by the command line as PID 1 and enters it; never returns.
    static func runApplication() -> Never {
        let arguments = options.arguments.map { Array($0.utf8) }
        var environment: [[UInt8]] = []
        var hasPath = false
        var hasHome = false
        for e in options.environment {
            hasPath = hasPath || e.name.utf8.elementsEqual("PATH".utf8)
            hasHome = hasHome || e.name.utf8.elementsEqual("HOME".utf8)
            environment.append(Array(e.entry.utf8))
        }
        if !hasPath { environment.append(Array("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".utf8)) }
        if !hasHome { environment.append(Array("HOME=/".utf8)) }
        let path = resolveProgram(arguments[0])

        guard let space = AddressSpace() else { Panic.halt("out of memory for the first address space") }
        let vfs = FileSystems.vfs!
        var context = vfs.makeContext()
        if let cwd = options.workingDirectory {
            do throws(Errno) { context.workingDirectory = try vfs.directory(Array(cwd.utf8), in: context) } catch {
                log("--cwd=\(cwd): " + String(error.name))
                PowerControl.exit(status: badCommandLineStatus)
            }
        }
        let files = FileDescriptorTable(limit: 1024, lock: FileSystems.lockFactory.makeLock())
        openStandardFiles(files, context: context)
        let process = Process(id: 1, addressSpace: space, files: files, fileContext: context)
        process.arguments = arguments
        process.environment = environment
        process.executablePath = path
        let thread = Thread(id: Scheduler.allocateThreadID(), process: process, name: "main")
        process.threads.append(thread)
        Processes.add(process)
        guard let stack = KernelStack.allocate() else { Panic.halt("out of memory for the first thread's stack") }
        thread.kernelStack = stack
        thread.fpu = FPUState.newThreadArea()
        Scheduler.register(thread)

        let loaded: ProgramLoader.Loaded
        do throws(ProgramLoader.Failure) {
            loaded = try ProgramLoader.load(
                path: path, arguments: arguments, environment: environment, into: space, context: process.fileContext)
        } catch {
            log(error.message)
            switch error {
            case .notFound: PowerControl.exit(status: notFoundStatus)
            case .notExecutable: PowerControl.exit(status: notExecutableStatus)
            case .outOfMemory: PowerControl.exit(status: Panic.exitStatus)
            }
        }
        process.executable = loaded.executable
        process.auxiliaryVector = loaded.auxiliaryVector
        announce()
        UserMode.prepare(thread, entry: loaded.entry, stackPointer: loaded.stackPointer)
        Scheduler.makeRunnable(thread)
        // The boot context has done its work; the CPU goes to the application.
        Scheduler.exitCurrent()
    }

    /// Local APIC, the clock, FPU state switching, and the boot CPU's scheduler; then
    /// interrupts on.
    static func initializeScheduling(entryTSC: UInt64) {
        FPUState.initialize()
        LocalAPIC.enableOnThisCPU()
        LocalAPIC.calibrateTimer()
        Clock.initialize(entryTSC: entryTSC)
        Interrupts.installSystemVectors()
        Futex.initialize()
        FileLocks.initialize()
        Scheduler.initializeBootCPU()
        x86_sti()
        SMP.startApplicationProcessors()
    }

    /// A program name without a slash is looked up in the image's /bin-style directories.
    static func resolveProgram(_ name: [UInt8]) -> [UInt8] {
        if name.contains(UInt8(ascii: "/")) { return name }
        let vfs = FileSystems.vfs!
        let context = vfs.makeContext()
        for dir in ["/usr/local/sbin/", "/usr/local/bin/", "/usr/sbin/", "/usr/bin/", "/sbin/", "/bin/", "/"] {
            let candidate = Array(dir.utf8) + name
            if let attributes = try? vfs.attributes(of: candidate, in: context), attributes.type == .regular {
                return candidate
            }
        }
        return name
    }

    /// Descriptors 0, 1 and 2 on the console (or stdout/stderr to a file with --redirect).
    static func openStandardFiles(_ files: FileDescriptorTable, context: FileContext) {
        let vfs = FileSystems.vfs!
        let console = Array("/dev/console".utf8)
        do throws(Errno) {
            _ = try files.install(try vfs.open(console, in: context, flags: FileConstants.O_RDWR))
            if let redirect = options.redirect {
                let flags = FileConstants.O_WRONLY | FileConstants.O_CREAT | (redirect.append ? FileConstants.O_APPEND : FileConstants.O_TRUNC)
                let out = try vfs.open(Array(redirect.path.utf8), in: context, flags: flags, mode: 0o644)
                _ = try files.install(out)
                _ = try files.install(out)
            } else {
                _ = try files.install(try vfs.open(console, in: context, flags: FileConstants.O_RDWR))
                _ = try files.install(try vfs.open(console, in: context, flags: FileConstants.O_RDWR))
            }
        } catch {
            log("cannot open the standard files: " + String(error.name))
            PowerControl.exit(status: Panic.exitStatus)
        }
    }

    /// The application ended with `status`: power off with it (unless --noshutdown).
    static func applicationExited(status: Int32) -> Never {
        if status >= 128 {
            // QEMU's exit code keeps 7 bits of it; this line carries the rest to `skiff run`.
            log("exit status \(status)")
        }
        // What shared file mappings stored goes to the files before they are synced: the
        // application, and processes still running, may never have called msync or munmap.
        for process in Processes.snapshot { process.addressSpace.writeBackSharedFiles() }
        Network.drain(within: 1_000_000_000)
        FileSystems.shutdown()
        TraceDumper.dumpAtExit()
        if options.noShutdown {
            log("the application exited with status \(status); staying up (--noshutdown)")
            while true { x86_sti_hlt() }
        }
        PowerControl.exit(status: status)
    }

    /// The frame allocator over the firmware's memory map, the kernel's W^X page tables with the
    /// direct map, then the slab heap for every later Swift allocation.
    static func initializeMemory(_ info: PVHStartInfo) {
        var reserved: [(UInt64, UInt64)] = [
            (UInt64(skiff_kernel_start()), UInt64(skiff_kernel_end())),
            (UInt64(skiff_ksyms_start()), UInt64(skiff_ksyms_start()) + UInt64(max(KernelSymbols.byteSize, 16))),
        ]
        for m in info.modules { reserved.append((m.address, m.address + m.size)) }
        PhysicalMemory.initialize(memoryMap: info.memoryMap, reserved: reserved, cpuCount: processorCount)
        KernelPageTables.build()
        PowerControl.mapRegisters()
        KernelHeap.startSlabHeap(cpuCount: processorCount)
        // Interrupt stacks from RAM rather than the kernel's .bss (whose end bounds the smallest VM).
        CPUDescriptorTables.bootProcessor.setInterruptStacks(CPUDescriptorTables.allocateInterruptStacks())
    }

    /// Enabled processors in the firmware's MADT (at least 1).
    static var processorCount: Int {
        var cpus = 0
        if let madt = Firmware.madt {
            for p in madt.processors where p.enabled { cpus += 1 }
        }
        return max(cpus, 1)
    }

    /// Prints the boot-time line (and the bootchart) just before the application starts.
    static func announce() {
        Kernel.mark("application start")
        let micros = bootchart.microsecondsSinceEntry(x86_rdtsc(), tscHz: TSC.hz)
        if options.bootchart {
            Console.writeLine("skiff: bootchart (TSC \(TSC.hz / 1_000_000) MHz from " + String(TSC.source) + ")")
            Console.writeLine("  phase                       duration    since entry")
            for line in bootchart.report(tscHz: TSC.hz) {
                Console.writeLine("  " + line)
            }
        }
        if !options.quiet {
            Console.writeLine(
                "Skiff \(String(version)) booted in " + Bootchart.formatMilliseconds(micros)
                    + " (firmware " + Bootchart.formatMilliseconds(Bootchart.microseconds(ticks: bootchart.entryTSC, tscHz: TSC.hz)) + ")")
        }
    }
}

extension String {
    init(_ s: StaticString) {
        self = String(decoding: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount), as: UTF8.self)
    }
}
#endif
