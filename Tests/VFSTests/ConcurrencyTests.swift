import Glibc
import LinuxABI
import Synchronization
import Testing

@testable import VFS

// MARK: Threads

private final class ThreadBody: @unchecked Sendable {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

/// Runs every body on its own pthread and waits for all of them.
private func runThreads(_ bodies: [() -> Void]) {
    var threads: [pthread_t] = []
    for body in bodies {
        let box = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(
            &thread, nil,
            { argument in
                Unmanaged<ThreadBody>.fromOpaque(argument!).takeRetainedValue().run()
                return nil
            }, box)
        precondition(result == 0)
        threads.append(thread)
    }
    for thread in threads { pthread_join(thread, nil) }
}

/// A value behind a pthread lock (which ThreadSanitizer understands, unlike `Mutex`'s futex).
private final class Locked<Value>: @unchecked Sendable {
    private let lock = PthreadLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<R>(_ body: (inout Value) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}

// MARK: A lock that proves overlap

/// Counts arrivals of armed locks; `met` turns true once `parties` holders are inside their
/// locks at the same moment.
private final class Rendezvous: @unchecked Sendable {
    let parties: Int
    let inside = Atomic<Int>(0)
    let met = Atomic<Bool>(false)

    init(parties: Int) { self.parties = parties }

    /// Called with the lock held: waits (up to two seconds) for the other parties to be
    /// inside theirs. If locks serialized the parties, this times out and `met` stays false.
    func arrive() {
        let count = inside.wrappingAdd(1, ordering: .sequentiallyConsistent).newValue
        if count >= parties { met.store(true, ordering: .sequentiallyConsistent) }
        var waited = 0
        while !met.load(ordering: .sequentiallyConsistent) && waited < 2_000_000 {
            usleep(100)
            waited += 100
        }
        inside.wrappingSubtract(1, ordering: .sequentiallyConsistent)
    }
}

/// A pthread rwlock that, once armed, joins a rendezvous on its next acquisition.
private final class RendezvousLock: VFSLock, @unchecked Sendable {
    let inner = PthreadLock()
    let pending = Atomic<Bool>(false)
    let rendezvous = Locked<Rendezvous?>(nil)

    func arm(_ rendezvous: Rendezvous) {
        self.rendezvous.withLock { $0 = rendezvous }
        pending.store(true, ordering: .sequentiallyConsistent)
    }

    private func maybeArrive() {
        if pending.compareExchange(expected: true, desired: false, ordering: .sequentiallyConsistent).exchanged {
            rendezvous.withLock { $0 }?.arrive()
        }
    }

    func lock() {
        inner.lock()
        maybeArrive()
    }
    func unlock() { inner.unlock() }
    func lockShared() {
        inner.lockShared()
        maybeArrive()
    }
    func unlockShared() { inner.unlockShared() }
}

private final class RendezvousLockFactory: VFSLockFactory {
    func makeLock() -> any VFSLock { RendezvousLock() }
}

private func nodeLock(_ world: RamWorld, _ path: String) throws -> RendezvousLock {
    let node = try #require(try world.lookup(path).node as? RamNode)
    return try #require(node.lock as? RendezvousLock)
}

@Test func readersOfOneFileHoldItsLockTogether() throws {
    let world = RamWorld(locks: RendezvousLockFactory())
    try world.write("/shared", [UInt8](repeating: 7, count: 10000))
    let first = try world.open("/shared", FileConstants.O_RDONLY)
    let second = try world.open("/shared", FileConstants.O_RDONLY)
    let lock = try nodeLock(world, "/shared")
    let rendezvous = Rendezvous(parties: 2)
    // Each reader arms the lock for the other's benefit: both acquisitions join.
    lock.arm(rendezvous)
    let results = Locked<[Int]>([])
    runThreads([
        {
            let count = (try? readBytes(first, count: 10000).count) ?? -1
            results.withLock { $0.append(count) }
        },
        {
            usleep(20_000)
            lock.arm(rendezvous)
            let count = (try? readBytes(second, count: 10000).count) ?? -1
            results.withLock { $0.append(count) }
        },
    ])
    let met = rendezvous.met.load(ordering: .sequentiallyConsistent)
    #expect(met, "two reads of one file overlapped")
    #expect(results.withLock { $0 } == [10000, 10000])
}

@Test func readsOfDifferentFilesAndAWriteElsewhereRunTogether() throws {
    let world = RamWorld(locks: RendezvousLockFactory())
    try world.write("/a", [UInt8](repeating: 1, count: 5000))
    try world.write("/b", [UInt8](repeating: 2, count: 5000))
    try world.mkdir("/elsewhere")
    try world.write("/elsewhere/c", [])
    let a = try world.open("/a", FileConstants.O_RDONLY)
    let b = try world.open("/b", FileConstants.O_RDONLY)
    let c = try world.open("/elsewhere/c", FileConstants.O_WRONLY)
    let rendezvous = Rendezvous(parties: 3)
    for path in ["/a", "/b", "/elsewhere/c"] { try nodeLock(world, path).arm(rendezvous) }
    let ok = Atomic<Int>(0)
    runThreads([
        {
            if (try? readBytes(a, count: 5000)) == [UInt8](repeating: 1, count: 5000) {
                ok.wrappingAdd(1, ordering: .relaxed)
            }
        },
        {
            if (try? readBytes(b, count: 5000)) == [UInt8](repeating: 2, count: 5000) {
                ok.wrappingAdd(1, ordering: .relaxed)
            }
        },
        {
            if (try? writeBytes(c, [UInt8](repeating: 3, count: 5000))) == 5000 {
                ok.wrappingAdd(1, ordering: .relaxed)
            }
        },
    ])
    let met = rendezvous.met.load(ordering: .sequentiallyConsistent)
    #expect(met, "no global lock serialized the three")
    let succeeded = ok.load(ordering: .relaxed)
    #expect(succeeded == 3)
    #expect(try world.read("/elsewhere/c") == [UInt8](repeating: 3, count: 5000))
}

// MARK: Stress

/// File contents where every 4-byte word holds its own offset / 4, so a chunk shows where it
/// came from.
private func offsetPattern(_ size: Int) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: size)
    for word in 0..<(size / 4) {
        let value = UInt32(word)
        bytes[word * 4] = UInt8(value >> 24)
        bytes[word * 4 + 1] = UInt8(truncatingIfNeeded: value >> 16)
        bytes[word * 4 + 2] = UInt8(truncatingIfNeeded: value >> 8)
        bytes[word * 4 + 3] = UInt8(truncatingIfNeeded: value)
    }
    return bytes
}

@Test func concurrentReadersWritersAndNamespaceChanges() throws {
    let world = RamWorld(locks: PthreadLockFactory())
    let size = 256 * 1024
    let pattern = offsetPattern(size)
    try world.write("/shared", pattern)
    try world.write("/a", [UInt8](repeating: 0xA, count: 70_000))
    try world.write("/b", [UInt8](repeating: 0xB, count: 90_000))
    try world.write("/atomic", [UInt8](repeating: 0, count: 65536))
    try world.mkdir("/w")
    let failures = Atomic<Int>(0)
    func fail() { failures.wrappingAdd(1, ordering: .relaxed) }

    // Two threads share one description: between them they must read each 64-byte chunk
    // exactly once.
    let sharedDescription = try world.open("/shared", FileConstants.O_RDONLY)
    let chunkOffsets = Locked<[Int]>([])
    func sharedReader() {
        while true {
            guard let chunk = try? readBytes(sharedDescription, count: 64) else { return fail() }
            if chunk.isEmpty { return }
            guard chunk.count == 64 else { return fail() }
            let word = Int(chunk[0]) << 24 | Int(chunk[1]) << 16 | Int(chunk[2]) << 8 | Int(chunk[3])
            if Array(pattern[(word * 4)..<(word * 4 + 64)]) != chunk { fail() }
            chunkOffsets.withLock { $0.append(word * 4) }
        }
    }

    func randomReader(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        guard var file = try? world.open("/shared", FileConstants.O_RDONLY) else { return fail() }
        for iteration in 0..<400 {
            if iteration % 50 == 49 {
                guard let reopened = try? world.open("/shared", FileConstants.O_RDONLY) else { return fail() }
                file = reopened
            }
            let offset = random.below(size)
            let count = random.below(20_000)
            guard let data = try? pread(file, count: count, at: Int64(offset)) else { return fail() }
            if data != Array(pattern[offset..<min(size, offset + count)]) { fail() }
        }
    }

    func wholeFileReader(_ path: String, _ byte: UInt8, _ length: Int) {
        for _ in 0..<100 {
            guard let data = try? world.read(path), data.count == length, data.allSatisfy({ $0 == byte }) else {
                return fail()
            }
        }
    }

    // A write replaces /atomic's contents under the node's exclusive lock: readers see one
    // version or the other, never a mix.
    func atomicWriter() {
        guard let file = try? world.open("/atomic", FileConstants.O_WRONLY) else { return fail() }
        for version in 1...200 {
            let data = [UInt8](repeating: UInt8(truncatingIfNeeded: version), count: 65536)
            guard (try? pwrite(file, data, at: 0)) == 65536 else { return fail() }
        }
    }

    func atomicReader() {
        guard let file = try? world.open("/atomic", FileConstants.O_RDONLY) else { return fail() }
        for _ in 0..<300 {
            guard let data = try? pread(file, count: 65536, at: 0), data.count == 65536 else { return fail() }
            if !data.allSatisfy({ $0 == data[0] }) { fail() }
        }
    }

    func namespaceWriter() {
        for index in 0..<300 {
            let name = "/w/f\(index)"
            do {
                try world.write(name, bytes(name))
                try world.vfs.rename(bytes(name), in: world.context, to: bytes("/w/g\(index)"))
                if try world.read("/w/g\(index)") != bytes(name) { fail() }
                if index % 2 == 0 { try world.vfs.unlink(bytes("/w/g\(index)"), in: world.context) }
                try world.mkdir("/w/d\(index)")
                if index % 3 == 0 { try world.vfs.removeDirectory(bytes("/w/d\(index)"), in: world.context) }
                let appender = try world.open("/log", O_RDWR_CREAT | FileConstants.O_APPEND)
                _ = try writeBytes(appender, [UInt8](repeating: UInt8(index % 250), count: 10))
            } catch {
                fail()
            }
        }
    }

    func lookerUpper() {
        for _ in 0..<300 {
            guard (try? world.stat("/shared").size) == UInt64(size) else { return fail() }
            guard let names = try? world.names("/w") else { return fail() }
            for name in names where !(name.hasPrefix("g") || name.hasPrefix("f") || name.hasPrefix("d")) { fail() }
            _ = try? world.lookup("/w/../shared/")
        }
    }

    runThreads([
        sharedReader, sharedReader,
        { randomReader(seed: 1) }, { randomReader(seed: 2) }, { randomReader(seed: 3) },
        { wholeFileReader("/a", 0xA, 70_000) }, { wholeFileReader("/b", 0xB, 90_000) },
        atomicWriter, atomicReader, atomicReader,
        namespaceWriter, lookerUpper,
    ])

    let failed = failures.load(ordering: .relaxed)
    #expect(failed == 0)
    #expect(chunkOffsets.withLock { $0.sorted() } == Array(stride(from: 0, to: size, by: 64)))
    let names = try world.names("/w")
    let expected = (0..<300).flatMap { index -> [String] in
        (index % 2 == 0 ? [] : ["g\(index)"]) + (index % 3 == 0 ? [] : ["d\(index)"])
    }.sorted()
    #expect(names == expected)
    #expect(try world.stat("/log").size == 3000)
    #expect(try world.stat("/w").linkCount == UInt32(2 + expected.filter { $0.hasPrefix("d") }.count))
}
