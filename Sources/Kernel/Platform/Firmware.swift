#if SKIFF_KERNEL
import ACPI

/// What the platform firmware described: ACPI tables, read through the direct map.
enum Firmware {
    nonisolated(unsafe) static var tables: ACPITables? = nil
    nonisolated(unsafe) static var madt: MADT? = nil
    nonisolated(unsafe) static var mcfg: MCFG? = nil
    /// virtio-mmio devices the DSDT describes (`_HID "LNRO0005"`), as microvm with ACPI does.
    nonisolated(unsafe) static var virtioMMIODevices: [AMLDeviceResources] = []

    static func discover(rsdp: UInt64) {
        guard rsdp != 0 else {
            log("no ACPI tables (RSDP not given); power-off falls back to the debug-exit port")
            return
        }
        do throws(ACPIError) {
            let t = try ACPITables(rsdpAddress: rsdp, read: DirectMap.read)
            tables = t
            if let f = t.entry("FACP") {
                PowerControl.fadt = try FADT(entry: f, read: DirectMap.read)
            }
            if let dsdt = t.entry("DSDT"), let body = DirectMap.read(dsdt.address, dsdt.length),
                let s5 = SleepType(aml: UnsafeRawBufferPointer(rebasing: body[36...]))
            {
                PowerControl.sleepTypeS5 = s5
            }
            if let dsdt = t.entry("DSDT"), let body = DirectMap.read(dsdt.address, dsdt.length) {
                virtioMMIODevices = AMLDeviceResources.devices(hardwareID: "LNRO0005", aml: body)
            }
            if let m = t.entry("APIC") { madt = try MADT(entry: m, read: DirectMap.read) }
            if let m = t.entry("MCFG") { mcfg = try MCFG(entry: m, read: DirectMap.read) }
        } catch {
            log("ACPI: " + error.message + " (continuing without it)")
        }
    }
}
#endif
