#if SKIFF_KERNEL
import CKernel

/// Built-in tests selected with `--kernel-test=NAME`, for the guest test suite: they exercise the
/// paths that must fail loudly (exceptions, runtime traps) and the accelerator self-check.
enum KernelTests {
    static func run(_ name: String) -> Never {
        let bytes = Array(name.utf8)
        func named(_ s: StaticString) -> Bool {
            bytes.count == s.utf8CodeUnitCount && bytes.elementsEqual(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
        }
        if bytes.starts(with: Array("exit=".utf8)) {
            var status: Int32 = 0
            for b in bytes.dropFirst(5) {
                guard b >= 48 && b <= 57 else { break }
                status = status &* 10 &+ Int32(b - 48)
            }
            Kernel.announce()
            PowerControl.exit(status: status)
        }
        if named("accel-check") {
            let result = skiff_fpu_selfcheck()
            Console.writeLine(result == 7020 ? "accel-check: ok" : "accel-check: wrong FPU result")
            PowerControl.exit(status: result == 7020 ? 0 : 1)
        }
        if named("page-fault") {
            Kernel.announce()
            let unmapped = UnsafeMutablePointer<UInt64>(bitPattern: 0x0000_0100_0000_0000)!
            unmapped.pointee = 42
        }
        if named("invalid-opcode") {
            Kernel.announce()
            x86_ud2()
        }
        if named("swift-trap") {
            Kernel.announce()
            var values = [1, 2, 3]
            values.append(Int(truncatingIfNeeded: x86_rdtsc() & 1))
            let index = values.count + Int(x86_rdtsc() & 1)
            values[index] = 0  // out of bounds
        }
        if named("breakpoint") {
            Kernel.announce()
            x86_int3()
            Console.writeLine("breakpoint: resumed")
            PowerControl.exit(status: 0)
        }
        if named("bootchart") {
            Kernel.announce()
            PowerControl.exit(status: 0)
        }
        log("unknown kernel test '" + name + "'")
        PowerControl.exit(status: Kernel.badCommandLineStatus)
    }
}
#endif
