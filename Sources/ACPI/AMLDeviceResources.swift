/// The memory window and interrupt the DSDT gives a device with a given hardware ID — how
/// microvm (with ACPI) and Firecracker describe their virtio-mmio devices (`_HID "LNRO0005"`)
/// instead of `virtio_mmio.device=` command-line entries.
///
/// Like `SleepType`, this is a scanner, not an AML interpreter: it finds `Name (_HID, "…")`
/// string declarations and the `Name (_CRS, ResourceTemplate () {…})` buffer that follows in the
/// same device, and decodes the buffer's resource descriptors (ACPI 6.x §6.4). Devices whose
/// resources are computed by methods are not found.
public struct AMLDeviceResources: Equatable {
    public var memoryBase: UInt64
    public var memoryLength: UInt64
    public var interrupt: UInt32?
    public var levelTriggered: Bool
    public var activeLow: Bool

    public init(memoryBase: UInt64, memoryLength: UInt64, interrupt: UInt32?, levelTriggered: Bool, activeLow: Bool) {
        self.memoryBase = memoryBase
        self.memoryLength = memoryLength
        self.interrupt = interrupt
        self.levelTriggered = levelTriggered
        self.activeLow = activeLow
    }

    static let nameOp: UInt8 = 0x08
    static let stringPrefix: UInt8 = 0x0D
    static let bufferOp: UInt8 = 0x11
    static let extendedOpPrefix: UInt8 = 0x5B
    static let deviceOp: UInt8 = 0x82

    /// Every device in `aml` (a DSDT or SSDT body) with `_HID` `hardwareID` and a memory
    /// resource, in table order.
    public static func devices(hardwareID: String, aml: UnsafeRawBufferPointer) -> [AMLDeviceResources] {
        let hid = Array(hardwareID.utf8)
        let hidName = Array("_HID".utf8)
        let crsName = Array("_CRS".utf8)
        var found: [AMLDeviceResources] = []
        var i = 0
        while let at = find(nameOp, hidName, in: aml, from: i) {
            i = at &+ 5
            // Name (_HID, "…"): a string prefix, the ID, a NUL.
            guard i &+ hid.count &+ 1 < aml.count, aml[i] == stringPrefix, aml[i &+ hid.count &+ 1] == 0 else { continue }
            var matches = true
            for k in 0..<hid.count where aml[i &+ 1 &+ k] != hid[k] { matches = false }
            guard matches else { continue }
            // The device's _CRS: before the next device starts.
            var end = aml.count
            var j = i
            while j &+ 1 < aml.count {
                if aml[j] == extendedOpPrefix && aml[j &+ 1] == deviceOp {
                    end = j
                    break
                }
                j &+= 1
            }
            guard let crs = find(nameOp, crsName, in: aml, from: i), crs < end,
                let resources = resourceTemplate(aml, at: crs &+ 5, end: end)
            else { continue }
            found.append(resources)
        }
        return found
    }

    /// The next `op name` sequence at or after `start`.
    static func find(_ op: UInt8, _ name: [UInt8], in aml: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var i = max(start, 0)
        while i &+ 5 <= aml.count {
            if aml[i] == op && aml[i &+ 1] == name[0] && aml[i &+ 2] == name[1] && aml[i &+ 3] == name[2] && aml[i &+ 4] == name[3] {
                return i
            }
            i &+= 1
        }
        return nil
    }

    /// Decodes a PkgLength at `p`: the length it encodes and how many bytes it took.
    static func packageLength(_ aml: UnsafeRawBufferPointer, at p: Int) -> (length: Int, size: Int)? {
        guard p < aml.count else { return nil }
        let lead = aml[p]
        let extra = Int(lead >> 6)
        guard p &+ extra < aml.count else { return nil }
        if extra == 0 { return (Int(lead & 0x3F), 1) }
        var length = Int(lead & 0x0F)
        for k in 0..<extra { length |= Int(aml[p &+ 1 &+ k]) << (4 &+ 8 &* k) }
        return (length, extra &+ 1)
    }

    /// `Buffer (size) {descriptors}` at `p`: the first memory range and interrupt in it.
    static func resourceTemplate(_ aml: UnsafeRawBufferPointer, at start: Int, end: Int) -> AMLDeviceResources? {
        var p = start
        guard p < end, aml[p] == bufferOp else { return nil }
        p &+= 1
        guard let (length, size) = packageLength(aml, at: p) else { return nil }
        let bufferEnd = min(p &+ length, end)
        p &+= size
        // BufferSize: an integer term.
        guard p < bufferEnd else { return nil }
        switch aml[p] {
        case 0x00, 0x01, 0xFF: p &+= 1
        case 0x0A: p &+= 2
        case 0x0B: p &+= 3
        case 0x0C: p &+= 5
        default: return nil
        }
        var memory: (UInt64, UInt64)? = nil
        var interrupt: (UInt32, Bool, Bool)? = nil
        func u16(_ o: Int) -> UInt64 { UInt64(aml[o]) | UInt64(aml[o &+ 1]) << 8 }
        func u32(_ o: Int) -> UInt64 { u16(o) | u16(o &+ 2) << 16 }
        func u64(_ o: Int) -> UInt64 { u32(o) | u32(o &+ 4) << 32 }
        while p < bufferEnd {
            let tag = aml[p]
            if tag & 0x80 == 0 {
                // Small item: type in bits 3-6, length in bits 0-2.
                let type = (tag >> 3) & 0x0F
                let length = Int(tag & 7)
                guard p &+ 1 &+ length <= bufferEnd else { break }
                if type == 0x0F { break }  // end tag
                if type == 0x04, length >= 2, interrupt == nil {  // IRQ: a mask of ISA IRQs
                    let mask = u16(p &+ 1)
                    if mask != 0 {
                        let flags = length >= 3 ? aml[p &+ 3] : 1
                        interrupt = (UInt32(mask.trailingZeroBitCount), flags & 1 == 0, flags & 8 != 0)
                    }
                }
                p &+= 1 &+ length
            } else {
                guard p &+ 3 <= bufferEnd else { break }
                let length = Int(u16(p &+ 1))
                let body = p &+ 3
                guard body &+ length <= bufferEnd else { break }
                switch tag {
                case 0x86 where length >= 9 && memory == nil:  // 32-bit fixed memory range
                    memory = (u32(body &+ 1), u32(body &+ 5))
                case 0x85 where length >= 17 && memory == nil:  // 32-bit memory range: minimum, length
                    memory = (u32(body &+ 1), u32(body &+ 13))
                case 0x87 where length >= 23 && memory == nil && aml[body] == 0:  // DWord memory space
                    memory = (u32(body &+ 7), u32(body &+ 19))
                case 0x8A where length >= 43 && memory == nil && aml[body] == 0:  // QWord memory space
                    memory = (u64(body &+ 11), u64(body &+ 35))
                case 0x89 where length >= 6 && interrupt == nil:  // extended interrupt
                    let flags = aml[body]
                    if aml[body &+ 1] >= 1 {
                        interrupt = (UInt32(u32(body &+ 2)), flags & 2 == 0, flags & 4 != 0)
                    }
                default: break
                }
                p = body &+ length
            }
        }
        guard let (base, length) = memory, length > 0 else { return nil }
        return AMLDeviceResources(
            memoryBase: base, memoryLength: length, interrupt: interrupt?.0, levelTriggered: interrupt?.1 ?? false,
            activeLow: interrupt?.2 ?? false)
    }
}
