#if SKIFF_KERNEL
import Boot
import CKernel
import Memory

/// The vDSO: `clock_gettime`, `gettimeofday`, `time`, `clock_getres` and `getcpu` that
/// programs call without entering the kernel (VDSO/vdso.c). A system call costs a ring switch
/// and the kernel's entry path; reading the clock this way is a RDTSC and a multiply, which is
/// what glibc and musl expect to find behind AT_SYSINFO_EHDR.
///
/// Every process maps the same two things: the clock page (one frame the kernel rewrites when
/// the wall clock is set) read-only, and one page below it, nothing — the image's pages are the
/// kernel's own read-only data, shared by every process and copied only if a process makes them
/// writable and writes (a debugger's breakpoint).
enum VDSO {
    nonisolated(unsafe) private static var dataFrame: UInt64 = 0
    private static let publishing = SpinLock()

    /// Whether processes get a vDSO: not with `--no-vdso`, nor without a frame for the clock page.
    static var isEnabled: Bool { dataFrame != 0 }

    /// The image's bytes rounded to whole pages (the kernel keeps them page-aligned).
    static var imageSize: UInt64 { (UInt64(skiff_vdso_image_size()) + 4095) & ~4095 }

    /// Allocates and fills the clock page; after `Clock.initialize` and the physical allocator.
    static func initialize() {
        guard !Kernel.options.noVDSO, skiff_vdso_image_size() > 0, let frame = PhysicalMemory.allocateZeroed() else { return }
        dataFrame = frame
        publishClock()
    }

    /// Copies the kernel's clock parameters to the clock page, bracketed by an odd sequence
    /// number so a reader never mixes old and new values (`Clock.setRealtime` calls this).
    static func publishClock() {
        guard dataFrame != 0 else { return }
        let data = DirectMap.pointer(dataFrame).assumingMemoryBound(to: skiff_vdso_data.self)
        publishing.withLock {
            data.pointee.sequence &+= 1
            x86_compiler_barrier()
            var flags = UInt32(SKIFF_VDSO_CLOCK_TSC)
            if CPUFeatures.hasRDTSCP { flags |= UInt32(SKIFF_VDSO_GETCPU_RDTSCP) }
            data.pointee.flags = flags
            data.pointee.boot_tsc = Clock.bootTSC
            data.pointee.multiplier = Clock.multiplier
            data.pointee.wall_offset = Clock.wallOffset
            x86_compiler_barrier()
            data.pointee.sequence &+= 1
        }
    }

    /// The frame behind page `index` of an area of `kind` (the clock page, or a page of the
    /// image); nil past their end.
    static func frame(_ kind: MemoryAreaKind, page index: UInt64) -> UInt64? {
        switch kind {
        case .vvar: index == 0 && dataFrame != 0 ? dataFrame : nil
        // The kernel image is identity-mapped: its addresses are physical addresses.
        case .vdso: index < imageSize / 4096 ? UInt64(skiff_vdso_image_address()) + index * 4096 : nil
        default: nil
        }
    }

    /// Maps the clock page and the image into `space` (at a randomised place in its mmap area)
    /// and returns the image's address for AT_SYSINFO_EHDR; nil without a vDSO or room for it.
    static func map(into space: AddressSpace) -> UInt64? {
        guard isEnabled else { return nil }
        return space.mapKernelShared([(.vvar, 4096, [.read]), (.vdso, imageSize, [.read, .execute])])
    }
}
#endif
