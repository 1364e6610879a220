#if SKIFF_KERNEL
import CKernel
import Randomness

/// The kernel's random numbers: a ChaCha20 generator (`EntropyPool`) seeded at boot from RDRAND
/// and every virtio-rng device, seeded again from them as `ReseedSchedule` says (every minute
/// once the VM has run two), and stirred with timestamps. `getrandom`, `/dev/urandom` and
/// the kernel (TCP sequence numbers, ASLR) read it with `fill`, which never blocks.
///
/// Without RDRAND and virtio-rng only timing jitter is mixed in, which is not credited:
/// `isSeeded` stays false (what `getrandom(GRND_RANDOM)` and a blocking `/dev/random` would
/// wait for).
enum Entropy {
    nonisolated(unsafe) static var pool = EntropyPool()
    static let lock = SpinLock()

    /// When the sources are read again (see `ReseedSchedule`).
    nonisolated(unsafe) static var schedule = ReseedSchedule(seededAt: 0)
    /// Bytes taken from virtio-rng devices since boot, and seedings (boot's included).
    nonisolated(unsafe) static var deviceBytes = 0
    nonisolated(unsafe) static var seedings = 0

    /// Seeds the pool; called by `Devices.probe()` once the entropy devices are up.
    static func initialize() {
        let (rdrand, device) = seed()
        Devices.report("entropy: \(rdrand) bytes from RDRAND, \(device) from virtio-rng, " + (isSeeded ? "seeded" : "not seeded"))
    }

    /// Reads RDRAND and every virtio-rng device into the pool; the bytes each gave. Reading a
    /// device sleeps: call it only where a system call may.
    @discardableResult
    static func seed() -> (rdrand: Int, device: Int) {
        var rdrandWords = 0
        lock.withLock {
            pool.mix(x86_rdtsc(), entropyBits: 0)
            if CPUFeatures.hasRDRAND {
                for _ in 0..<4 {
                    var value: UInt64 = 0
                    if x86_rdrand64(&value) != 0 {
                        pool.mix(value, entropyBits: 64)
                        rdrandWords &+= 1
                    }
                }
            }
        }
        var fromDevices = 0
        for source in Devices.entropySources {
            var seed = [UInt8](repeating: 0, count: 64)
            let n = seed.withUnsafeMutableBytes { source.read(into: $0) }
            if n > 0 {
                seed.withUnsafeBytes { add(UnsafeRawBufferPointer(rebasing: $0[0..<n]), entropyBits: n &* 8) }
                fromDevices &+= n
            }
        }
        lock.withLock {
            schedule.reseeded(at: Clock.monotonic)
            deviceBytes &+= fromDevices
            seedings &+= 1
        }
        return (rdrandWords &* 8, fromDevices)
    }

    /// Seeds the pool again when `schedule` says so: from getrandom and /dev/urandom reads,
    /// which may sleep on the device.
    static func reseedIfDue() {
        let now = Clock.monotonic
        let due: Bool = lock.withLock {
            guard schedule.isDue(at: now) else { return false }
            schedule.reseeded(at: now)  // one caller reseeds; the others go on
            return true
        }
        if due { seed() }
    }

    /// Mixes `bytes` in, crediting `entropyBits`.
    static func add(_ bytes: UnsafeRawBufferPointer, entropyBits: Int) {
        lock.withLock {
            pool.mix(bytes, entropyBits: entropyBits)
            pool.mix(x86_rdtsc(), entropyBits: 0)
        }
    }

    static var isSeeded: Bool { lock.withLock { pool.isSeeded } }

    /// Fills `buffer` with random bytes. Large requests are generated outside the lock from a
    /// generator split off the pool.
    static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        guard buffer.count > 0 else { return }
        if buffer.count <= 256 {
            lock.withLock {
                pool.mix(x86_rdtsc(), entropyBits: 0)
                pool.fill(buffer)
            }
            return
        }
        let generator = lock.withLock {
            pool.mix(x86_rdtsc(), entropyBits: 0)
            return pool.split()
        }
        generator.keyStream(into: buffer, counter: 0)
    }

    /// A random 64-bit value.
    static func next() -> UInt64 {
        var value: UInt64 = 0
        withUnsafeMutableBytes(of: &value) { fill($0) }
        return value
    }
}
#endif
