#if SKIFF_KERNEL
/// A PCI function's place: segment, bus, device (slot) and function.
struct PCIAddress: Equatable {
    var segment: UInt16 = 0
    var bus: UInt8
    var device: UInt8
    var function: UInt8

    /// `0000:00:02.0`, as Linux prints it.
    var description: String {
        hex(UInt64(segment), 4) + ":" + hex(UInt64(bus), 2) + ":" + hex(UInt64(device), 2) + "." + hex(UInt64(function), 1)
    }
}

/// Zero-padded lowercase hexadecimal.
func hex(_ value: UInt64, _ digits: Int) -> String {
    var s = String(value, radix: 16)
    while s.utf8.count < digits { s = "0" + s }
    return s
}
#endif
