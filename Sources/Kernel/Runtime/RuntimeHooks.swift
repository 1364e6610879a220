#if SKIFF_KERNEL
import CKernel

// The symbols the Embedded Swift runtime and standard library call into. `free` is in C
// (Sources/CKernel/Runtime/freestanding.c) because Swift reserves the name; it forwards here.

@_cdecl("posix_memalign")
public func posix_memalign(
    _ memptr: UnsafeMutablePointer<UnsafeMutableRawPointer?>, _ alignment: Int, _ size: Int
) -> CInt {
    guard let p = KernelHeap.allocate(size: size, alignment: alignment) else { return 12 }  // ENOMEM
    memptr.pointee = p
    return 0
}

@_cdecl("skiff_heap_free")
public func skiff_heap_free(_ pointer: UnsafeMutableRawPointer) {
    KernelHeap.free(pointer)
}

@_cdecl("putchar")
public func putchar(_ c: CInt) -> CInt {
    Console.put(UInt8(truncatingIfNeeded: c))
    return c
}

/// Seeds for Swift's hashing. RDRAND where the CPU has it, otherwise the TSC mixed through
/// SplitMix64 — unpredictable enough for hash seeds, never used for application randomness.
@_cdecl("arc4random_buf")
public func arc4random_buf(_ buffer: UnsafeMutableRawPointer, _ count: Int) {
    var state = x86_rdtsc()
    var i = 0
    while i < count {
        var word: UInt64 = 0
        if !(CPUFeatures.hasRDRAND && x86_rdrand64(&word) != 0) {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            word = z ^ (z >> 31)
        }
        var b = 0
        while b < 8 && i < count {
            buffer.storeBytes(of: UInt8(truncatingIfNeeded: word >> UInt64(b * 8)), toByteOffset: i, as: UInt8.self)
            b += 1
            i += 1
        }
    }
}

/// Where Swift's runtime checks (overflow, bounds, unwrapping nil, `fatalError`) land: the kernel
/// is built with `-trap-function skiff_swift_trap`.
@_cdecl("skiff_swift_trap")
public func skiff_swift_trap() -> Never {
    Panic.halt(
        "Swift runtime check failed (overflow, out-of-bounds index, nil unwrap or fatalError)",
        rip: returnAddress(), rbp: x86_read_rbp())
}

/// The caller's return address, read from the frame-pointer chain.
@inline(__always)
func returnAddress() -> UInt64 {
    let rbp = x86_read_rbp()
    guard rbp != 0, let frame = UnsafePointer<UInt64>(bitPattern: UInt(rbp)) else { return 0 }
    return frame[1]
}
#endif
