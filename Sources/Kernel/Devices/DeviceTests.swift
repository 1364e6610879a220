#if SKIFF_KERNEL
import CKernel
import Net
import Randomness
import Storage
import Virtio

/// `--kernel-test=` cases for the device layer. The guest test runner attaches disks, RNGs and
/// a network to the VM and checks both what these print and, for disks, the image file's bytes
/// on the host afterwards (Sources/GuestTestRunner/Cases/DeviceGuestTests.swift).
enum DeviceTests {
    /// Runs the test named `name` if it is one of these (never returns then).
    @_optimize(size) static func runIfDeviceTest(_ name: String) {
        let bytes = Array(name.utf8)
        func named(_ s: StaticString) -> Bool {
            bytes.elementsEqual(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
        }
        if named("devices") { devices() }
        if named("blk-write") { blockWrite() }
        if named("rng") { randomness() }
        if named("net") { network() }
        if named("blk-misbehave") { misbehavingDisk() }
    }

    @_optimize(size) static func finish(_ ok: Bool) -> Never {
        PowerControl.exit(status: ok ? 0 : 1)
    }

    @_optimize(size) static func result(_ ok: Bool) -> String { ok ? "ok" : "FAILED" }

    @_optimize(size) static func write(_ disk: any BlockDevice, _ sector: UInt64, _ data: [UInt8]) -> BlockDeviceError? {
        data.withUnsafeBytes { b -> BlockDeviceError? in
            do throws(BlockDeviceError) {
                try disk.write(sector: sector, from: b)
                return nil
            } catch { return error }
        }
    }

    @_optimize(size) static func read(_ disk: any BlockDevice, _ sector: UInt64, _ data: inout [UInt8]) -> BlockDeviceError? {
        data.withUnsafeMutableBytes { b -> BlockDeviceError? in
            do throws(BlockDeviceError) {
                try disk.read(sector: sector, into: b)
                return nil
            } catch { return error }
        }
    }

    /// What probing found.
    @_optimize(size) static func devices() -> Never {
        Kernel.announce()
        log("devices: \(PCIBus.functions.count) pci functions, \(Devices.virtioDevices.count) virtio, \(Devices.blockDevices.count) block, \(Devices.networkDevices.count) network, \(Devices.entropySources.count) entropy")
        for d in Devices.blockDevices {
            log("devices: " + d.name + " \(d.sectorCount) sectors" + (d.isReadOnly ? " read-only" : ""))
        }
        finish(true)
    }

    // MARK: - virtio-blk

    /// The byte the host wrote at disk offset `o` before boot.
    @_optimize(size) static func hostPattern(_ o: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: o >> 9) ^ UInt8(truncatingIfNeeded: o) ^ 0xA5
    }

    /// The byte this test writes at disk offset `o`.
    @_optimize(size) static func guestPattern(_ o: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: (o >> 9) &* 131 &+ (o & 511) &* 7 &+ 0x5A)
    }

    /// Reads what the host put on the disk, writes a pattern (in place and through bounce
    /// buffers, from several threads at once, at the last sector), discards, flushes. The host
    /// checks the image afterwards: the pattern where written, zeros where discarded, its own
    /// bytes everywhere else.
    @_optimize(size) static func blockWrite() -> Never {
        Kernel.announce()
        guard let disk = Devices.blockDevices.first else {
            log("blk: no block device")
            finish(false)
        }
        let sectors = disk.sectorCount
        log("blk: " + disk.name + " \(sectors) sectors" + (disk.supportsDiscard ? ", discard" : ""))
        var ok = true

        // 1. The host's bytes, read into heap memory (the device writes it in place).
        var host = [UInt8](repeating: 0, count: 64 * 512)
        var readOK = read(disk, 1024, &host) == nil
        for i in 0..<host.count where host[i] != hostPattern(1024 * 512 + i) { readOK = false }
        log("blk: read 32768 bytes the host wrote: " + result(readOK))
        ok = ok && readOK

        // 2. The pattern to sectors 0-63 in one request, then read back.
        var data = [UInt8](repeating: 0, count: 64 * 512)
        for i in 0..<data.count { data[i] = guestPattern(i) }
        var writeOK = write(disk, 0, data) == nil
        var back = [UInt8](repeating: 0, count: data.count)
        writeOK = writeOK && read(disk, 0, &back) == nil
        writeOK = writeOK && back == data
        log("blk: wrote and read back 32768 bytes: " + result(writeOK))
        ok = ok && writeOK

        // 2b. With interrupts off the request cannot sleep: its completion is polled.
        var polled = [UInt8](repeating: 0, count: 4096)
        let polledOK = withInterruptsDisabled { read(disk, 8, &polled) == nil } && polled[...] == data[4096..<8192]
        log("blk: polled read with interrupts off: " + result(polledOK))
        ok = ok && polledOK

        // 3. A stack buffer (not in the direct map: bounced), to the last sector.
        var bounceOK = true
        withUnsafeTemporaryAllocation(byteCount: 512, alignment: 16) { stack in
            let last = Int(sectors) &- 1
            for i in 0..<512 { stack[i] = guestPattern(last &* 512 &+ i) }
            bounceOK = (try? disk.write(sector: UInt64(last), from: UnsafeRawBufferPointer(stack))) != nil
            for i in 0..<512 { stack[i] = 0 }
            bounceOK = bounceOK && (try? disk.read(sector: UInt64(last), into: stack)) != nil
            for i in 0..<512 where stack[i] != guestPattern(last &* 512 &+ i) { bounceOK = false }
        }
        log("blk: stack buffer at the last sector: " + result(bounceOK))
        ok = ok && bounceOK

        // 4. Beyond the end and misaligned requests are refused.
        let refused = write(disk, sectors &- 1, [UInt8](repeating: 1, count: 1024)) == .outOfRange
            && write(disk, 0, [UInt8](repeating: 1, count: 100)) == .misaligned
            && write(disk, UInt64.max, [UInt8](repeating: 1, count: 512)) == .outOfRange
        log("blk: out-of-range and misaligned requests refused: " + result(refused))
        ok = ok && refused

        // 5. Four threads, each writing and reading back its own 16 sectors (64-127).
        let done = Semaphore()
        nonisolated(unsafe) var threadsOK = true
        for t in 0..<4 {
            Scheduler.spawnKernelThread("blk-test") {
                let first = 64 &+ t &* 16
                for round in 0..<8 {
                    let sector = first &+ (round & 1) &* 8
                    var chunk = [UInt8](repeating: 0, count: 8 * 512)
                    for i in 0..<chunk.count { chunk[i] = guestPattern(sector &* 512 &+ i) }
                    let w = write(disk, UInt64(sector), chunk) == nil
                    var check = [UInt8](repeating: 0, count: chunk.count)
                    let r = read(disk, UInt64(sector), &check) == nil
                    if !w || !r || check != chunk { threadsOK = false }
                }
                done.signal()
            }
        }
        for _ in 0..<4 { done.wait() }
        log("blk: 4 threads writing and reading: " + result(threadsOK))
        ok = ok && threadsOK

        // 6. Discard sectors 128-135 (the host finds zeros there when its image supports holes).
        if disk.supportsDiscard {
            let discardOK = (try? disk.discard(sector: 128, count: 8)) != nil
            log("blk: discard: " + result(discardOK))
            ok = ok && discardOK
        }

        // 7. Flush: everything above is durable before the VM powers off.
        let flushOK = (try? disk.flush()) != nil
        log("blk: flush: " + result(flushOK))
        ok = ok && flushOK
        finish(ok)
    }

    /// Devices that put bogus elements on their used rings: the driver reports each in one
    /// line, disables the device and fails every later request, instead of acting on it. The
    /// test plays the device on three disks: a head index outside the queue, a length beyond the
    /// request's buffers, and a used index that moves with nothing in flight. For the first two
    /// a request is placed but not published, so the driver has it in flight and the real
    /// device never sees it.
    @_optimize(size) static func misbehavingDisk() -> Never {
        Kernel.announce()
        var disks: [VirtioBlockDevice] = []
        for d in Devices.blockDevices { if let v = d as? VirtioBlockDevice { disks.append(v) } }
        guard disks.count >= 3, let page = DMABuffer.allocate(bytes: 4096) else {
            log("blk: needs three virtio block devices")
            finish(false)
        }
        var ok = true
        for (i, disk) in disks.prefix(3).enumerated() {
            var sector = [UInt8](repeating: 0, count: 512)
            let worked = read(disk, 0, &sector) == nil
            let queue = disk.device.queues[0]
            let segment = VirtqueueSegment(address: page.physical, length: 512, deviceWritable: true)
            switch i {
            case 0:
                _ = try? queue.add([segment])
                queue.injectUsedElement(id: UInt32(queue.size) &+ 7, length: 0)
            case 1:
                let head = (try? queue.add([segment])) ?? 0
                queue.injectUsedElement(id: UInt32(head), length: 4096)
            default:
                queue.injectUsedElement(id: 0, length: 0)
            }
            queue.takeCompletions()
            let disabled = disk.device.failed
            let refused = read(disk, 0, &sector) == .deviceFailed && write(disk, 0, sector) == .deviceFailed
                && (try? disk.flush()) == nil
            log("blk: " + disk.name + " misbehaved, disabled, requests refused: " + result(worked && disabled && refused))
            ok = ok && worked && disabled && refused
        }
        // A queue of size 0: a device reports size 0 for a queue it does not have (virtio-rng
        // has one), so asking the one `--norandom` left unused for two finds the second empty.
        guard let rng = Devices.virtioDevices.first(where: { $0.type == VirtioDeviceType.entropy }) else {
            log("rng: no virtio-rng device")
            finish(false)
        }
        let negotiated = rng.negotiate(wanted: [])
        let refusedQueues = !rng.setUpQueues(count: 2, maximumSize: 8)
        let zeroOK = negotiated && refusedQueues && rng.failed && !rng.start()
        log("rng: a queue of size 0 disabled the device: " + result(zeroOK))
        finish(ok && zeroOK)
    }

    // MARK: - virtio-rng

    @_optimize(size) static func randomness() -> Never {
        Kernel.announce()
        guard let source = Devices.entropySources.first else {
            log("rng: no virtio-rng device")
            finish(false)
        }
        var a = [UInt8](repeating: 0, count: 64)
        var b = [UInt8](repeating: 0, count: 64)
        let na = a.withUnsafeMutableBytes { source.read(into: $0) }
        let nb = b.withUnsafeMutableBytes { source.read(into: $0) }
        let deviceOK = na == 64 && nb == 64 && a != b && a.contains { $0 != 0 }
        log("rng: virtio-rng gave \(na) and \(nb) bytes, different: " + result(deviceOK))
        var x = [UInt8](repeating: 0, count: 1000)
        var y = [UInt8](repeating: 0, count: 1000)
        x.withUnsafeMutableBytes { Entropy.fill($0) }
        y.withUnsafeMutableBytes { Entropy.fill($0) }
        let poolOK = Entropy.isSeeded && x != y && x.contains { $0 != 0 }
        log("rng: entropy pool seeded and producing: " + result(poolOK))
        // virtio-rng alone seeds a generator (this CPU's RDRAND plays no part in this one).
        var alone = EntropyPool()
        a.withUnsafeBytes { alone.mix($0, entropyBits: a.count * 8) }
        let aloneOK = alone.isSeeded
        log("rng: 64 virtio-rng bytes alone seed a generator: " + result(aloneOK))
        // Reseeding: not before the schedule says, then from the device again.
        let before = (Entropy.seedings, Entropy.deviceBytes)
        Entropy.reseedIfDue()
        let early = Entropy.seedings == before.0
        while !Entropy.schedule.isDue(at: Clock.monotonic) { x86_pause() }
        Entropy.reseedIfDue()
        let reseedOK = early && Entropy.seedings == before.0 + 1 && Entropy.deviceBytes == before.1 + 64
        log("rng: reseeded from virtio-rng when due (\(Entropy.seedings) seedings, \(Entropy.deviceBytes) bytes): " + result(reseedOK))
        finish(deviceOK && poolOK && aloneOK && reseedOK)
    }

    // MARK: - virtio-net

    /// Sends an ARP request for QEMU's user-network gateway (10.0.2.2) and waits for the reply.
    @_optimize(size) static func network() -> Never {
        Kernel.announce()
        guard let nic = Devices.networkDevices.first else {
            log("net: no network device")
            finish(false)
        }
        let mac = nic.macAddress
        log("net: " + nic.name + " link " + (nic.linkUp ? "up" : "down") + ", mtu \(nic.mtu)")
        let arrived = Semaphore()
        nonisolated(unsafe) var wakeUps = 0
        nic.onReceive = {
            wakeUps &+= 1
            arrived.signal()
        }
        var request = [UInt8](repeating: 0xFF, count: 6)  // broadcast
        for i in 0..<6 { request.append(mac.byte(i)) }
        request += [0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01]  // ARP, Ethernet/IPv4, request
        for i in 0..<6 { request.append(mac.byte(i)) }
        request += [10, 0, 2, 15]
        request += [0, 0, 0, 0, 0, 0, 10, 0, 2, 2]
        while request.count < 60 { request.append(0) }
        var replied = false
        var frames = 0
        let deadline = Clock.monotonic &+ 10_000_000_000
        var nextSend: UInt64 = 0
        while !replied && Clock.monotonic < deadline {
            if Clock.monotonic >= nextSend {
                do throws(NetworkDeviceError) { try nic.transmit(OutgoingFrame(bytes: request)) } catch {
                    log("net: transmit failed")
                }
                nextSend = Clock.monotonic &+ 1_000_000_000
            }
            while let received = nic.receive() {
                let frame = received.bytes
                frames &+= 1
                if frame.count >= 42, frame[12] == 0x08, frame[13] == 0x06, frame[21] == 2,
                    frame[28] == 10, frame[29] == 0, frame[30] == 2, frame[31] == 2
                {
                    var sender = ""
                    for i in 22..<28 {
                        if i > 22 { sender += ":" }
                        sender += hex(UInt64(frame[i]), 2)
                    }
                    log("net: ARP reply from 10.0.2.2 at " + sender)
                    replied = true
                }
            }
            _ = arrived.wait(deadline: min(deadline, nextSend))
        }
        log("net: \(frames) frames received; gateway answered: " + result(replied))
        log("net: receive wake-up hook called: " + result(wakeUps > 0))
        finish(replied && wakeUps > 0)
    }
}
#endif
