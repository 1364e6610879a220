import Testing
@testable import Virtio

@Suite struct SplitVirtqueueTests {
    @Test(arguments: [false, true])
    func requestReachesTheDeviceAsWritten(eventIndex: Bool) throws {
        var (queue, device) = makeQueue(size: 8, eventIndex: eventIndex)
        let segments = [segment(0x1000, 16, writable: false), segment(0x2000, 4096, writable: true), segment(0x3000, 1, writable: true)]
        let head = try queue.add(segments)
        #expect(device.pendingAvailable == 0, "not visible before publish")
        device.waitForNotification()
        let kicked = queue.publish()
        #expect(kicked)
        let requests = device.takeAvailable()
        #expect(requests == [DeviceModel.Request(head: head, segments: segments)])
        #expect(queue.freeDescriptors == 5)
        var c = try queue.nextCompletion()
        #expect(c == nil)
        device.complete(id: UInt32(head), length: 4097)
        #expect(queue.hasCompletions)
        c = try queue.nextCompletion()
        #expect(c == VirtqueueCompletion(head: head, length: 4097))
        c = try queue.nextCompletion()
        #expect(c == nil)
        #expect(queue.freeDescriptors == 8)
        #expect(queue.inFlight == 0)
    }

    @Test func initializationResetsTheRings() {
        let (queue, _) = makeQueue(size: 4, eventIndex: true)
        let m = queue.memory
        let l = queue.layout
        #expect(m.load16(l.availableIndex) == 0 && m.load16(l.usedIndex) == 0)
        #expect(m.load16(l.availableFlags) == 0 && m.load16(l.usedEvent) == 0)
    }

    @Test func fullQueueAndBadRequests() throws {
        var (queue, _) = makeQueue(size: 4, eventIndex: false)
        #expect(throws: VirtqueueError.badRequest(segments: 0)) { try queue.add([VirtqueueSegment]()) }
        #expect(throws: VirtqueueError.badRequest(segments: 5)) {
            try queue.add((0..<5).map { segment(UInt64($0), 1, writable: false) })
        }
        _ = try queue.add([segment(1, 1, writable: false), segment(2, 1, writable: true), segment(3, 1, writable: true)])
        #expect(throws: VirtqueueError.full) { try queue.add([segment(1, 1, writable: false), segment(2, 1, writable: true)]) }
        _ = try queue.add([segment(4, 1, writable: true)])
        #expect(queue.failure == nil, "a full queue is not a device fault")
        #expect(!VirtqueueError.full.isDeviceFault)
    }

    /// Many requests of random shapes, completed in random order with random lengths, until the
    /// 16-bit indices have wrapped around several times; every completion must name a request
    /// in flight with the length the device gave.
    @Test(arguments: [(4, false), (8, true), (1, true), (256, true), (16, false)])
    func randomTrafficWrapsTheIndices(size: Int, eventIndex: Bool) throws {
        var (queue, device) = makeQueue(size: size, eventIndex: eventIndex)
        var rng = SplitMix64(state: UInt64(size) * 31 + (eventIndex ? 1 : 0))
        var tokens = [Int?](repeating: nil, count: size)  // head -> request number
        var nextToken = 0
        var heldByDevice: [(request: DeviceModel.Request, token: Int)] = []
        var expected: [(head: UInt16, length: UInt32, token: Int)] = []
        var completed = 0
        let target = size == 256 ? 140_000 : 70_000
        while completed < target {
            // Driver: add a few requests.
            for _ in 0..<rng.below(4) {
                let count = 1 + rng.below(min(size, 3))
                let segments = (0..<count).map { i in
                    segment(UInt64(nextToken) << 8 | UInt64(i), UInt32(1 + rng.below(5000)), writable: rng.below(2) == 0)
                }
                guard let head = try? queue.add(segments) else {
                    #expect(queue.freeDescriptors < count)
                    break
                }
                #expect(tokens[Int(head)] == nil)
                tokens[Int(head)] = nextToken
                nextToken += 1
            }
            _ = queue.publish()
            // Device: take what was published and complete a random subset in random order.
            for r in device.takeAvailable() {
                #expect(r.segments.first!.address >> 8 == UInt64(tokens[Int(r.head)]!))
                heldByDevice.append((r, tokens[Int(r.head)]!))
            }
            var finishing = rng.below(heldByDevice.count + 1)
            while finishing > 0 {
                let i = rng.below(heldByDevice.count)
                let (r, token) = heldByDevice.remove(at: i)
                let capacity = r.writableBytes
                let length = capacity == 0 ? 0 : UInt32(rng.below(Int(capacity) + 1))
                device.complete(id: UInt32(r.head), length: length)
                expected.append((r.head, length, token))
                finishing -= 1
            }
            // Driver: take the completions, in the device's order.
            while let c = try queue.nextCompletion() {
                let e = expected.removeFirst()
                #expect(c.head == e.head && c.length == e.length)
                #expect(tokens[Int(c.head)] == e.token)
                tokens[Int(c.head)] = nil
                completed += 1
            }
            #expect(expected.isEmpty)
            #expect(queue.inFlight == heldByDevice.count)
        }
        #expect(queue.lastUsedIndex == UInt16(truncatingIfNeeded: completed))
        #expect(completed > 65536, "indices wrapped")
        #expect(queue.failure == nil)
    }

    /// With event indices the driver notifies only when the device asked: each time the idle
    /// device re-arms `avail_event`, the next publish must notify (no lost kicks); while the
    /// device polls, publishes must not.
    @Test(arguments: [false, true])
    func notificationsFollowTheDevicesRequest(eventIndex: Bool) throws {
        var (queue, device) = makeQueue(size: 16, eventIndex: eventIndex)
        var rng = SplitMix64(state: 3)
        var deviceIdle = true
        device.waitForNotification()
        var kicks = 0
        for round in 0..<30000 {
            let added = rng.below(3)
            for _ in 0..<added where queue.freeDescriptors > 0 {
                _ = try queue.add([segment(UInt64(round), 8, writable: true)])
            }
            let kicked = queue.publish()
            if kicked { kicks += 1 }
            if deviceIdle && device.pendingAvailable > 0 {
                #expect(kicked, "the idle device was not notified (round \(round))")
            }
            if !deviceIdle {
                #expect(!kicked || !eventIndex, "a polling device was notified (round \(round))")
            }
            if kicked { deviceIdle = false }
            if !deviceIdle {
                for r in device.takeAvailable() { device.complete(id: UInt32(r.head), length: 0) }
                if rng.below(2) == 0 {
                    device.waitForNotification()  // going idle
                    deviceIdle = true
                    // Requests published between the last take and going idle are the
                    // device's job to re-check, as the specification requires.
                    if device.pendingAvailable > 0 {
                        deviceIdle = false
                    }
                } else {
                    device.suppressNotifications()
                }
            }
            while try queue.nextCompletion() != nil {}
        }
        #expect(kicks > 1000)
    }

    /// The driver's interrupt loop — drain, re-enable, drain again if something slipped in —
    /// never leaves a completion without an interrupt; with event indices the device interrupts
    /// once per re-enable, not once per completion; and a polling driver gets none.
    @Test(arguments: [false, true])
    func interruptsAreNeitherLostNorRepeated(eventIndex: Bool) throws {
        enum State { case armed, fired, polling }
        var (queue, device) = makeQueue(size: 32, eventIndex: eventIndex)
        var rng = SplitMix64(state: 11)
        var state = State.armed  // a new queue asks for interrupts
        var held: [DeviceModel.Request] = []
        var completions = 0
        func drain() throws {
            while try queue.nextCompletion() != nil { completions += 1 }
        }
        for round in 0..<40000 {
            switch rng.below(6) {
            case 0, 1:
                for _ in 0..<(1 + rng.below(3)) where queue.freeDescriptors > 0 {
                    _ = try queue.add([segment(UInt64(round), 64, writable: true)])
                }
                _ = queue.publish()
                held += device.takeAvailable()
            case 2, 3:
                guard !held.isEmpty else { continue }
                let r = held.remove(at: rng.below(held.count))
                let interrupt = device.complete(id: UInt32(r.head), length: 64)
                switch state {
                case .armed:
                    #expect(interrupt, "completion without interrupt (round \(round))")
                    state = .fired
                case .fired:
                    if eventIndex { #expect(!interrupt, "repeated interrupt (round \(round))") }
                case .polling:
                    #expect(!interrupt, "interrupt while polling (round \(round))")
                }
            case 4:
                // The interrupt handler runs (or a poller decides to sleep again).
                if state == .fired || (state == .polling && rng.below(2) == 0) {
                    queue.disableInterrupts()
                    repeat { try drain() } while queue.enableInterrupts()
                    state = .armed
                    #expect(!queue.hasCompletions)
                }
            default:
                // Polling: take completions without interrupts.
                if state != .fired {
                    queue.disableInterrupts()
                    try drain()
                    state = .polling
                }
            }
        }
        #expect(device.interrupts > 1000)
        #expect(completions > 10000)
        #expect(queue.failure == nil)
    }
}
