#if SKIFF_KERNEL
import CKernel
import Virtio

/// One virtqueue of a device: the portable ring logic over DMA memory, a lock, and the threads
/// waiting for their requests.
///
/// `transact` is the blocking request: it places the segments, notifies the device if it asked,
/// and sleeps until the interrupt handler finds the completion. Before interrupts work (or on a
/// queue without them) the caller polls the used ring instead. Drivers that consume completions
/// themselves (virtio-net) set `onInterrupt` and call `takeCompletions`.
///
/// A device fault found on the ring (`VirtqueueError.isDeviceFault`) disables the whole device
/// (`VirtioDevice.fail`) and fails every request in flight.
final class Virtqueue {
    /// A request in flight and the thread waiting for it.
    final class Request {
        var done = false
        var failed = false
        var length: UInt32 = 0
        var waiter: Thread? = nil
    }

    let index: Int
    /// The queue's device (a reference cycle: devices are never torn down).
    let device: VirtioDevice
    let lock = SpinLock()
    private(set) var ring: SplitVirtqueue<DMAQueueMemory>
    let memory: DMABuffer
    /// Per head descriptor: the request it carries.
    private var requests: [Request?]
    /// Threads waiting for free descriptors.
    private let space = WaitQueue()
    /// Set when the transport delivers this queue's interrupts.
    var interruptsEnabled = false
    /// Called at interrupt time instead of taking completions (drivers that poll their rings).
    var onInterrupt: (() -> Void)? = nil

    /// Seconds a request may take before the device is declared dead.
    static let timeoutNanoseconds: UInt64 = 30_000_000_000

    init(index: Int, device: VirtioDevice, layout: VirtqueueLayout, memory: DMABuffer, eventIndex: Bool) {
        self.index = index
        self.device = device
        self.memory = memory
        ring = SplitVirtqueue(layout: layout, memory: DMAQueueMemory(base: memory.pointer), eventIndex: eventIndex)
        requests = [Request?](repeating: nil, count: layout.size)
    }

    var size: Int { ring.size }

    // MARK: - Blocking requests

    /// Runs one request to completion; returns the length the device reported.
    @discardableResult
    func transact(_ segments: [VirtqueueSegment]) throws(VirtioError) -> UInt32 {
        let request = Request()
        try submit(segments, request: request)
        return try wait(for: request)
    }

    /// Places a request and tells the device; `request` records its completion.
    func submit(_ segments: [VirtqueueSegment], request: Request) throws(VirtioError) {
        guard segments.count <= size else { throw .badRequest }
        request.waiter = Scheduler.running ? Scheduler.currentThread : nil
        while true {
            let outcome: VirtqueueError? = lock.withLock {
                do throws(VirtqueueError) {
                    let head = try ring.add(segments)
                    requests[Int(head)] = request
                    return nil
                } catch {
                    return error
                }
            }
            guard let outcome else { break }
            if outcome.isDeviceFault || device.failed { throw .deviceFailed }
            guard outcome == .full else { throw .badRequest }
            // Wait for completions to free descriptors.
            if canSleep {
                space.wait(while: { ring.freeDescriptors < segments.count && !device.failed }, deadline: Clock.monotonic &+ Self.timeoutNanoseconds)
            } else {
                takeCompletions()
                x86_pause()
            }
        }
        kick()
    }

    /// Publishes what was added and notifies the device when it wants to know.
    func kick() {
        let notify = lock.withLock { ring.publish() }
        if notify { device.transport.notify(queue: index) }
    }

    /// Whether the caller can sleep until an interrupt (else it must poll).
    var canSleep: Bool {
        interruptsEnabled && Scheduler.running && x86_read_rflags() & 0x200 != 0
    }

    /// Waits for `request`; fails if the device is disabled meanwhile or does not answer in time.
    func wait(for request: Request) throws(VirtioError) -> UInt32 {
        let deadline = Clock.monotonic &+ Self.timeoutNanoseconds
        while true {
            let (done, failed) = lock.withLock { (request.done, request.failed) }
            if failed { throw .deviceFailed }
            if done { return request.length }
            if Clock.monotonic >= deadline {
                device.fail("request on queue \(index) not completed in \(Self.timeoutNanoseconds / 1_000_000_000) s")
                throw .deviceFailed
            }
            if canSleep {
                Scheduler.sleep(until: deadline)
            } else {
                takeCompletions()
                x86_pause()
            }
        }
    }

    // MARK: - Completions

    /// Takes every completion off the used ring and wakes the threads waiting for them. Called
    /// from the interrupt handler and by pollers. A device fault disables the device.
    func takeCompletions() {
        var fault: VirtqueueError? = nil
        var freed = false
        lock.withLock {
            while true {
                let completion: VirtqueueCompletion?
                do throws(VirtqueueError) {
                    completion = try ring.nextCompletion()
                } catch {
                    fault = error
                    return
                }
                // Drained: ask for an interrupt at the next completion (with event indices the
                // device otherwise stays quiet), and take any that slipped in meanwhile.
                guard let c = completion else {
                    if ring.enableInterrupts() { continue }
                    return
                }
                freed = true
                if let request = requests[Int(c.head)] {
                    requests[Int(c.head)] = nil
                    request.length = c.length
                    request.done = true
                    if let t = request.waiter { Scheduler.wake(t) }
                }
            }
        }
        if let fault {
            device.fail("queue \(index): " + fault.message)
        } else if freed && space.count > 0 {
            space.wakeAll()
        }
    }

    /// Completions for drivers that handle them one by one (virtio-net): nil when there are
    /// none; a device fault disables the device and returns nil.
    func nextCompletion() -> VirtqueueCompletion? {
        var fault: VirtqueueError? = nil
        let c: VirtqueueCompletion? = lock.withLock {
            do throws(VirtqueueError) { return try ring.nextCompletion() } catch {
                fault = error
                return nil
            }
        }
        if let fault { device.fail("queue \(index): " + fault.message) }
        return c
    }

    /// Adds one request without waiting (for drivers that take completions themselves).
    func add(_ segments: [VirtqueueSegment]) throws(VirtqueueError) -> UInt16 {
        let result: Result<UInt16, VirtqueueError> = lock.withLock {
            do throws(VirtqueueError) { return .success(try ring.add(segments)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Re-arms the interrupt; true when completions slipped in and must be taken now.
    func enableInterrupts() -> Bool { lock.withLock { ring.enableInterrupts() } }
    func disableInterrupts() { lock.withLock { ring.disableInterrupts() } }

    /// The interrupt handler's entry.
    func interrupt() {
        if let onInterrupt {
            onInterrupt()
        } else {
            takeCompletions()
        }
    }

    /// The device was disabled: fail and wake every request in flight.
    func failAll() {
        lock.withLock {
            ring.fail(.disabled)
            for i in 0..<requests.count {
                if let request = requests[i] {
                    requests[i] = nil
                    request.failed = true
                    if let t = request.waiter { Scheduler.wake(t) }
                }
            }
        }
        space.wakeAll()
    }

    var freeDescriptors: Int { lock.withLock { ring.freeDescriptors } }

    /// Test support (`--kernel-test=blk-misbehave`): writes a used element as a device would,
    /// so the validation and disabling paths run against a real device.
    func injectUsedElement(id: UInt32, length: UInt32) {
        lock.withLock {
            let layout = ring.layout
            let memory = ring.memory
            let used = memory.load16(layout.usedIndex)
            memory.store32(layout.usedRing(Int(used) & (layout.size &- 1)), id)
            memory.store32(layout.usedRing(Int(used) & (layout.size &- 1)) &+ 4, length)
            memory.store16(layout.usedIndex, used &+ 1)
        }
    }
}
#endif
