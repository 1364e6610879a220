#if SKIFF_KERNEL
import ACPI
import CKernel

/// Ending the VM and handing the application's exit status to whoever started it.
///
/// Status 0 powers off through ACPI, which makes QEMU exit 0. Any other status goes through the
/// `isa-debug-exit` device when the VMM has one (QEMU then exits with `status << 1 | 1`, which
/// `skiff run` decodes), then ACPI, then a keyboard-controller reset (Firecracker's way out).
enum PowerControl {
    static let debugExitPort: UInt16 = 0xF4

    nonisolated(unsafe) static var fadt: FADT? = nil
    nonisolated(unsafe) static var sleepTypeS5 = SleepType(a: 0, b: 0)

    /// Maps memory-mapped power registers (microvm's sleep control register is MMIO) once the
    /// kernel's own page tables are live.
    static func mapRegisters() {
        guard let f = fadt else { return }
        for register in [f.sleepControl, f.sleepStatus, f.pm1aControl, f.pm1bControl, f.resetRegister] {
            if let r = register, r.space == .memory {
                _ = KernelPageTables.mapDevice(physical: r.address, length: 8)
            }
        }
    }

    static func exit(status: Int32) -> Never {
        x86_cli()
        if status != 0 {
            x86_outb(debugExitPort, UInt8(truncatingIfNeeded: status))
        }
        if acpiPowerOff() {
            // The VMM acts on the request asynchronously; give it time before trying other ways.
            waitMilliseconds(500)
        }
        if status == 0 {
            x86_outb(debugExitPort, 0)
        }
        x86_outb(0x64, 0xFE)  // 8042 pulse reset line
        while true { x86_hlt() }
    }

    static func reboot() -> Never {
        x86_cli()
        if let f = fadt, let reset = f.resetRegister {
            write(reset, value: UInt32(f.resetValue))
        }
        x86_outb(0x64, 0xFE)
        x86_outb(0xCF9, 0x0E)  // PCI reset control: full reset
        while true { x86_hlt() }
    }

    /// Requests S5 (soft off); true when a request was written.
    private static func acpiPowerOff() -> Bool {
        guard let f = fadt else { return false }
        if f.hardwareReduced {
            // Hardware-reduced ACPI: SLP_TYP in bits 2-4 of the sleep control register, SLP_EN bit 5.
            guard let control = f.sleepControl else { return false }
            write(control, value: UInt32(sleepTypeS5.a & 7) << 2 | 1 << 5)
            return true
        }
        guard let pm1a = f.pm1aControl else { return false }
        write(pm1a, value: UInt32(sleepTypeS5.a & 7) << 10 | 1 << 13)
        if let pm1b = f.pm1bControl {
            write(pm1b, value: UInt32(sleepTypeS5.b & 7) << 10 | 1 << 13)
        }
        return true
    }

    private static func waitMilliseconds(_ ms: UInt64) {
        let hz = TSC.hz != 0 ? TSC.hz : 3_000_000_000
        let until = x86_rdtsc() &+ hz / 1000 &* ms
        while x86_rdtsc() < until { x86_pause() }
    }

    private static func write(_ register: GenericAddress, value: UInt32) {
        switch register.space {
        case .io:
            let port = UInt16(truncatingIfNeeded: register.address)
            switch register.bitWidth {
            case 8: x86_outb(port, UInt8(truncatingIfNeeded: value))
            case 32: x86_outl(port, value)
            default: x86_outw(port, UInt16(truncatingIfNeeded: value))
            }
        case .memory:
            let p = DirectMap.pointer(register.address)
            switch register.bitWidth {
            case 8: p.storeBytes(of: UInt8(truncatingIfNeeded: value), as: UInt8.self)
            case 32: p.storeBytes(of: value, as: UInt32.self)
            default: p.storeBytes(of: UInt16(truncatingIfNeeded: value), as: UInt16.self)
            }
        case .other:
            break
        }
    }
}
#endif
