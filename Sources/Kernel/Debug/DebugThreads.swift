#if SKIFF_KERNEL
import CKernel

/// Keeps the C thread registry (`CKernel/include/debug_threads.h`) that `Tools/gdb/skiff.py`
/// reads, in step with the scheduler's thread table.
enum DebugThreads {
    static func register(_ t: Thread) {
        guard t.slot >= 0, let entry = skiff_debug_thread_entry(UInt32(truncatingIfNeeded: t.slot)) else { return }
        entry.pointee.object = UInt64(UInt(bitPattern: Unmanaged.passUnretained(t).toOpaque()))
        entry.pointee.context_slot = UInt64(UInt(bitPattern: t.contextSlot))
        entry.pointee.tid = t.id
        entry.pointee.pid = t.process?.id ?? 0
        let name = Tracing.name(of: t)
        withUnsafeMutableBytes(of: &entry.pointee.name) { bytes in
            let n = min(name.count, bytes.count - 1)
            for i in 0..<bytes.count { bytes[i] = i < n ? name[i] : 0 }
        }
    }

    static func unregister(_ t: Thread) {
        guard t.slot >= 0, let entry = skiff_debug_thread_entry(UInt32(truncatingIfNeeded: t.slot)) else { return }
        entry.pointee.object = 0
    }

    static func registerCPU(_ index: UInt32, block: UnsafeMutablePointer<skiff_percpu>) {
        skiff_debug_set_percpu(index, UInt64(UInt(bitPattern: block)))
    }
}
#endif
