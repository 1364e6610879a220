#if SKIFF_KERNEL
import ACPI
import Boot
import CKernel

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
    CPUDescriptorTables.bootProcessor.install(istTops: [
        UInt64(skiff_bsp_ist_top(0)), UInt64(skiff_bsp_ist_top(1)), UInt64(skiff_bsp_ist_top(2)),
    ])
    IDT.install()
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
    Kernel.announce()
    log("cannot run \(options.arguments[0]): running applications is not implemented yet")
    PowerControl.exit(status: 127)
}

extension Kernel {
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
