#if SKIFF_KERNEL
import ACPI
/// PCI enumeration: bus 0 and every bus behind a bridge, depth first.
enum PCIBus {
    nonisolated(unsafe) static var functions: [PCIFunction] = []

    /// Finds every function; returns them in bus order.
    static func enumerate() -> [PCIFunction] {
        if let region = Firmware.mcfg?.regions.first {
            Devices.report("pci: configuration space through ECAM at 0x" + String(region.base, radix: 16) + " (ACPI MCFG)")
        } else {
            Devices.report("pci: configuration space through ports 0xcf8/0xcfc (no ACPI MCFG)")
        }
        var visited = [Bool](repeating: false, count: 256)
        var found: [PCIFunction] = []
        scan(bus: 0, visited: &visited, into: &found)
        functions = found
        return found
    }

    private static func scan(bus: UInt8, visited: inout [Bool], into found: inout [PCIFunction]) {
        guard !visited[Int(bus)] else { return }
        visited[Int(bus)] = true
        for device in UInt8(0)..<32 {
            guard let config0 = PCIConfigSpace(PCIAddress(bus: bus, device: device, function: 0)),
                config0.read16(0) != 0xFFFF
            else { continue }
            let multifunction = config0.read8(0x0E) & 0x80 != 0
            for function in UInt8(0)..<(multifunction ? 8 : 1) {
                guard let config = function == 0 ? config0 : PCIConfigSpace(PCIAddress(bus: bus, device: device, function: function)),
                    config.read16(0) != 0xFFFF
                else { continue }
                let f = PCIFunction(config: config)
                found.append(f)
                if f.isBridge {
                    let secondary = config.read8(0x19)
                    if secondary > bus { scan(bus: secondary, visited: &visited, into: &found) }
                }
            }
        }
    }
}
#endif
