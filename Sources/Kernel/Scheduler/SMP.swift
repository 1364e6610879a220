#if SKIFF_KERNEL
import ACPI
import CKernel
import Memory
import Synchronization

/// Starting the other processors the MADT lists.
///
/// Every `CPU` object is created first (so the `Scheduler.cpus` array never changes while other
/// CPUs read it), then the processors are started one at a time through the real-mode
/// trampoline; each one sets up its descriptor tables, per-CPU block, FPU and local APIC and
/// enters its idle loop, where it takes work by load balancing and wake-up placement.
enum SMP {
    static let started = Atomic<Int>(1)

    static func startApplicationProcessors() {
        guard let madt = Firmware.madt else { return }
        let boot = LocalAPIC.id
        var others: [UInt32] = []
        for p in madt.processors where p.enabled && p.apicID != boot { others.append(p.apicID) }
        guard !others.isEmpty else { return }

        var cpus = Scheduler.cpus
        for (i, apicID) in others.enumerated() {
            let block = UnsafeMutablePointer<skiff_percpu>.allocate(capacity: 1)
            block.initialize(to: skiff_percpu())
            let cpu = CPU(index: i + 1, apicID: apicID, percpu: block)
            Scheduler.startCPU(cpu)
            cpu.online = false  // until the processor itself says so
            cpus.append(cpu)
        }
        Scheduler.previousByCPU = [Thread?](repeating: nil, count: cpus.count)
        TLB.initialize(cpuCount: cpus.count)
        Scheduler.cpus = cpus

        // The trampoline page below 1 MiB (free RAM; the PVH data there was consumed at boot).
        let page = DirectMap.pointer(UInt64(SKIFF_AP_TRAMPOLINE_BASE))
        page.copyMemory(from: UnsafeRawPointer(bitPattern: skiff_ap_trampoline_code())!, byteCount: Int(skiff_ap_trampoline_size()))
        let params = (page + Int(skiff_ap_params_offset())).assumingMemoryBound(to: skiff_ap_params.self)

        for cpu in cpus.dropFirst() {
            params.pointee.cr3 = KernelPageTables.tables!.root
            params.pointee.stack = cpu.idleThread.kernelStack!.top
            params.pointee.entry = UInt64(skiff_ap_main_address())
            params.pointee.cpu = UInt32(cpu.index)
            params.pointee.efer_extra = CPUFeatures.hasNX ? 1 << 11 : 0
            x86_mfence()
            let before = started.load(ordering: .acquiring)
            LocalAPIC.startProcessor(apicID: cpu.apicID, trampolinePage: UInt8(SKIFF_AP_TRAMPOLINE_BASE >> 12))
            let deadline = Clock.monotonic + 500_000_000
            while started.load(ordering: .acquiring) == before && Clock.monotonic < deadline { x86_pause() }
            if started.load(ordering: .acquiring) == before {
                log("CPU \(cpu.index) (APIC ID \(cpu.apicID)) did not start; continuing without it")
            }
        }
    }
}

/// The first Swift code on an application processor, on its idle thread's stack.
@_cdecl("skiff_ap_main")
public func skiff_ap_main(_ index: UInt32) {
    let cpu = Scheduler.cpus[Int(index)]
    // Exceptions must be reportable and per-CPU data reachable (the allocators use it) before
    // anything else.
    IDT.load()
    PerCPU.initializeCurrent(cpu.percpu, index: index)
    // Descriptor tables with this CPU's own interrupt stacks (guard pages included).
    let gdt = UnsafeMutablePointer<UInt64>.allocate(capacity: 16)
    gdt.initialize(repeating: 0, count: 16)
    let tss = UnsafeMutableRawPointer.allocate(byteCount: 128, alignment: 64)
    let tables = CPUDescriptorTables(gdt: gdt, tss: tss)
    tables.install(istTops: CPUDescriptorTables.allocateInterruptStacks())
    FPUState.enableOnThisCPU()
    x86_fpu_reset()
    LocalAPIC.enableOnThisCPU()
    cpu.descriptorTables = tables

    let idle = cpu.idleThread!
    idle.state = .running
    idle.onCPU = true
    cpu.current = idle
    Scheduler.currentThread = idle
    cpu.percpu.pointee.kernel_stack_top = idle.kernelStack!.top
    tables.setKernelStack(idle.kernelStack!.top)
    cpu.online = true
    SMP.started.add(1, ordering: .releasing)
    x86_sti()
    Scheduler.idleLoop()
}
#endif
