#if SKIFF_KERNEL
import CKernel

/// Keeps the C thread registry (`CKernel/include/debug_threads.h`) that `Tools/gdb/skiff.py`
/// reads, in step with the scheduler's thread table.
enum DebugThreads {
    /// Guards growing the registry; entries themselves belong to one slot's owner at a time.
    private static let lock = SpinLock()

    static func register(_ t: Thread) {
        guard t.slot >= 0, let entry = entry(forSlot: t.slot, growing: true) else { return }
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
        guard t.slot >= 0, let entry = entry(forSlot: t.slot, growing: false) else { return }
        entry.pointee.object = 0
    }

    /// The entry of `slot`, doubling the registry when `growing` and it is too small. The old
    /// array is freed only after the new one is published, so a debugger that stops the VM at
    /// any instant sees a complete registry.
    private static func entry(forSlot slot: Int, growing: Bool) -> UnsafeMutablePointer<skiff_debug_thread>? {
        lock.withLock {
            let capacity = Int(skiff_debug_thread_registry_capacity())
            if slot >= capacity {
                guard growing else { return nil }
                var newCapacity = max(capacity * 2, 64)
                while newCapacity <= slot { newCapacity *= 2 }
                let grown = UnsafeMutablePointer<skiff_debug_thread>.allocate(capacity: newCapacity)
                grown.initialize(repeating: skiff_debug_thread(), count: newCapacity)
                let old = skiff_debug_thread_registry()
                if let old { grown.update(from: old, count: capacity) }
                skiff_debug_publish_thread_registry(grown, UInt32(newCapacity))
                old?.deallocate()
            }
            return skiff_debug_thread_registry().map { $0 + slot }
        }
    }

    static func registerCPU(_ index: UInt32, block: UnsafeMutablePointer<skiff_percpu>) {
        skiff_debug_set_percpu(index, UInt64(UInt(bitPattern: block)))
    }
}
#endif
