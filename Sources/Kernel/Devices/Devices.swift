#if SKIFF_KERNEL
import ACPI
import Boot
import Storage
/// Device discovery: the I/O APICs, PCI enumeration (unless `--nopci`), the virtio-mmio
/// devices the command line announces, and the drivers that claim them.
///
/// `probe()` runs once at boot, after the scheduler and interrupts are up; drivers may sleep in
/// it. Other subsystems find devices in `blockDevices`, `networkDevices`, `shares` and through
/// `Entropy`.
enum Devices {
    nonisolated(unsafe) static var blockDevices: [any BlockDevice] = []
    nonisolated(unsafe) static var networkDevices: [any NetworkDevice] = []
    nonisolated(unsafe) static var entropySources: [VirtioEntropyDevice] = []
    /// Host folders shared over virtio-9p, by mount tag.
    nonisolated(unsafe) static var shares: [VirtioNinePDevice] = []
    /// Every virtio device found, working or disabled.
    nonisolated(unsafe) static var virtioDevices: [VirtioDevice] = []

    static func probe() {
        InterruptLines.initialize()
        if Kernel.options.noPCI {
            report("pci: not probed (--nopci)")
        } else {
            for function in PCIBus.enumerate() {
                // A function a driver takes is reported by the driver, in one line.
                if let driver = DriverRegistry.pci.first(where: {
                    $0.vendorID == function.vendorID && $0.deviceIDs.contains(function.deviceID)
                }) {
                    _ = driver.attach(function)
                } else {
                    report("pci " + function.description + " class " + hex(UInt64(function.classCode), 6))
                }
            }
        }
        for d in virtioMMIODevices() {
            if let transport = VirtioMMIOTransport(d.device, levelTriggered: d.levelTriggered, activeLow: d.activeLow) {
                attach(transport)
            } else {
                report("virtio-mmio at 0x" + String(d.device.base, radix: 16) + ": no device")
            }
        }
        Entropy.initialize()
    }

    /// The virtio-mmio devices the command line (`virtio_mmio.device=`) and the DSDT announce,
    /// each once. As Linux does, a command-line IRQ below 16 is an ISA IRQ (edge-triggered unless
    /// the MADT overrides it); above, a level-triggered, active-high GSI.
    static func virtioMMIODevices() -> [(device: VirtioMMIODevice, levelTriggered: Bool, activeLow: Bool)] {
        var all: [(device: VirtioMMIODevice, levelTriggered: Bool, activeLow: Bool)] = []
        for var d in Kernel.options.virtioMMIODevices {
            if d.irq < 16, let madt = Firmware.madt {
                let route = madt.route(isaIRQ: UInt8(d.irq))
                d.irq = Int(route.globalInterrupt)
                all.append((d, route.levelTriggered, route.activeLow))
            } else {
                all.append((d, d.irq >= 16, false))
            }
        }
        for r in Firmware.virtioMMIODevices where !all.contains(where: { $0.device.base == r.memoryBase }) {
            guard let irq = r.interrupt else { continue }
            all.append((VirtioMMIODevice(base: r.memoryBase, size: r.memoryLength, irq: Int(irq)), r.levelTriggered, r.activeLow))
        }
        return all
    }

    /// Hands a virtio device to the driver for its type.
    static func attach(_ transport: any VirtioTransport) {
        let device = VirtioDevice(transport: transport)
        virtioDevices.append(device)
        guard let driver = DriverRegistry.virtio.first(where: { $0.deviceType == transport.deviceType }) else {
            report(device.label + ": no driver")
            return
        }
        if !driver.attach(device) && !device.failed {
            device.fail("could not be set up")
        }
    }

    /// The next free block device name: vda, vdb, …
    static func nextBlockDeviceName() -> String {
        let letter = UInt8(ascii: "a") &+ UInt8(truncatingIfNeeded: blockDevices.count % 26)
        return "vd" + String(decoding: [letter], as: UTF8.self)
    }

    /// A device line, on the console only with `--verbose` (the console is the application's).
    static func report(_ line: String) {
        if Kernel.options.verbose { log(line) }
    }
}
#endif
