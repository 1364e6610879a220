#if SKIFF_KERNEL
import LinuxABI
import Synchronization
import VFS

/// `eventfd`: a 64-bit counter that writes add to and reads take (all of it, or one with
/// EFD_SEMAPHORE). Reads wait while it is 0; writes wait while the sum would pass
/// 0xFFFF_FFFF_FFFF_FFFE.
final class EventCounter: AnonymousNode {
    static let maximum: UInt64 = 0xFFFF_FFFF_FFFF_FFFE
    let lock = SpinLock()
    private var value: UInt64
    let semaphore: Bool
    /// `eventfd-id` in fdinfo: the inode is shared by every anonymous file, so this tells
    /// eventfds apart (Linux numbers them from 0).
    let id: UInt64
    static let nextID = Atomic<UInt64>(0)

    init(initial: UInt64, semaphore: Bool) {
        value = initial
        self.semaphore = semaphore
        id = EventCounter.nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        super.init()
    }

    override func readiness() -> PollEvents {
        lock.withLock {
            var events: PollEvents = []
            if value > 0 { events.formUnion([.input, .readNormal]) }
            if value < Self.maximum { events.formUnion([.output, .writeNormal]) }
            return events
        }
    }

    override func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        try Self.requireCounterBuffer(buffer.count)
        while true {
            let taken: UInt64 = lock.withLock {
                guard value > 0 else { return 0 }
                let n = semaphore ? 1 : value
                value -= n
                return n
            }
            if taken > 0 {
                buffer.storeBytes(of: taken, as: UInt64.self)
                pollHead.notify([.output, .writeNormal])
                return 8
            }
            if IOContext.nonblocking { throw .EAGAIN }
            if !pollHead.waitInterruptibly(until: { lock.withLock { value > 0 } }) { throw .ERESTARTSYS }
        }
    }

    override func write(at offset: UInt64, from buffer: UnsafeRawBufferPointer, appending: Bool) throws(Errno) -> (count: Int, end: UInt64) {
        try Self.requireCounterBuffer(buffer.count)
        let add = buffer.loadUnaligned(as: UInt64.self)
        guard add != UInt64.max else { throw .EINVAL }
        while true {
            let added: Bool = lock.withLock {
                guard Self.maximum - value >= add else { return false }
                value += add
                return true
            }
            if added {
                if add > 0 { pollHead.notify([.input, .readNormal]) }
                return (8, 0)
            }
            if IOContext.nonblocking { throw .EAGAIN }
            if !pollHead.waitInterruptibly(until: { lock.withLock { Self.maximum - value >= add } }) { throw .ERESTARTSYS }
        }
    }

    /// For /proc/self/fdinfo.
    var count: UInt64 { lock.withLock { value } }
}
#endif
