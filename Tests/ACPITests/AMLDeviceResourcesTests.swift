import Testing
@testable import ACPI

/// AML as QEMU's microvm emits it for a virtio-mmio transport:
/// `Device (VRnn) { Name (_HID, "LNRO0005") Name (_UID, n) Name (_CCA, One)
///   Name (_CRS, ResourceTemplate () { Memory32Fixed (ReadWrite, base, 0x200)
///   Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) { irq } }) }`.
func virtioDevice(index: UInt8, base: UInt32, irq: UInt32, edge: Bool = false) -> [UInt8] {
    func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
    let resources: [UInt8] =
        [0x86, 0x09, 0x00, 0x01] + le32(base) + le32(0x200)
        + [0x89, 0x06, 0x00, edge ? 0x03 : 0x01, 0x01] + le32(irq)
        + [0x79, 0x00]
    let buffer: [UInt8] = [0x11, UInt8(3 + resources.count), 0x0A, UInt8(resources.count)] + resources
    let body: [UInt8] =
        Array("VR0".utf8) + [0x30 + index]
        + [0x08] + Array("_HID".utf8) + [0x0D] + Array("LNRO0005".utf8) + [0x00]
        + [0x08] + Array("_UID".utf8) + [0x0A, index]
        + [0x08] + Array("_CCA".utf8) + [0x01]
        + [0x08] + Array("_CRS".utf8) + buffer
    return [0x5B, 0x82, UInt8(body.count + 1)] + body
}

@Suite struct AMLDeviceResourcesTests {
    func scan(_ aml: [UInt8], _ hid: String = "LNRO0005") -> [AMLDeviceResources] {
        aml.withUnsafeBytes { AMLDeviceResources.devices(hardwareID: hid, aml: $0) }
    }

    @Test func microvmVirtioDevices() {
        let header = [UInt8](repeating: 0x41, count: 36)  // stands in for the table header
        let aml = header + virtioDevice(index: 0, base: 0xFEB0_0000, irq: 24)
            + virtioDevice(index: 1, base: 0xFEB0_0200, irq: 25, edge: true)
        let found = scan(aml)
        #expect(found == [
            AMLDeviceResources(memoryBase: 0xFEB0_0000, memoryLength: 0x200, interrupt: 24, levelTriggered: true, activeLow: false),
            AMLDeviceResources(memoryBase: 0xFEB0_0200, memoryLength: 0x200, interrupt: 25, levelTriggered: false, activeLow: false),
        ])
    }

    @Test func otherHardwareIDsAreIgnored() {
        #expect(scan(virtioDevice(index: 0, base: 0x1000, irq: 5), "PNP0501").isEmpty)
        var other = virtioDevice(index: 0, base: 0x1000, irq: 5)
        other[other.firstIndex(of: 0x4C)!] = 0x4D  // "MNRO0005"
        #expect(scan(other).isEmpty)
    }

    @Test func truncatedOrCorruptTablesFindNothingAndDoNotTrap() {
        let good = virtioDevice(index: 0, base: 0xFEB0_0000, irq: 24)
        for cut in 0..<good.count {
            let found = scan(Array(good[0..<cut]))
            #expect(found.count <= 1)
        }
        var corrupt = good
        let crs = corrupt.count - 27
        corrupt[crs] = 0xFF  // a huge package length
        _ = scan(corrupt)
        var rng = 0x1234_5678 as UInt64
        for _ in 0..<2000 {
            var bytes = good
            for _ in 0..<3 {
                rng = rng &* 6364136223846793005 &+ 1442695040888963407
                bytes[Int(rng >> 33) % bytes.count] = UInt8(truncatingIfNeeded: rng >> 20)
            }
            _ = scan(bytes)
        }
    }

    @Test func packageLengthEncodings() {
        func decode(_ b: [UInt8]) -> (Int, Int)? { b.withUnsafeBytes { AMLDeviceResources.packageLength($0, at: 0) }.map { ($0.length, $0.size) } }
        #expect(decode([0x3F])! == (63, 1))
        #expect(decode([0x41, 0x12])! == (0x121, 2))
        #expect(decode([0x81, 0x34, 0x12])! == (0x12341, 3))
        #expect(decode([0x81]) == nil)
    }
}
