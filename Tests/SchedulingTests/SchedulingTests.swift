import Testing
@testable import Scheduling

/// Deterministic pseudo-random numbers for reproducible randomized tests.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct RunQueueTests {
    @Test func realTimeBeforeFairBeforeIdle() {
        var q = RunQueue()
        q.enqueue(1, policy: .idle, virtualRuntime: 0)
        q.enqueue(2, policy: .normal(nice: 0), virtualRuntime: 0)
        q.enqueue(3, policy: .fifo(priority: 10), virtualRuntime: 0)
        q.enqueue(4, policy: .roundRobin(priority: 90), virtualRuntime: 0)
        q.enqueue(5, policy: .fifo(priority: 10), virtualRuntime: 0)
        #expect(q.count == 5)
        #expect(q.popNext()?.id == 4)
        #expect(q.popNext()?.id == 3)
        #expect(q.popNext()?.id == 5)  // FIFO within a priority
        #expect(q.popNext()?.id == 2)
        #expect(q.popNext()?.id == 1)
        #expect(q.popNext() == nil)
    }

    @Test func fairThreadsRunInOrderOfVirtualRuntime() {
        var q = RunQueue()
        q.enqueue(7, policy: .normal(nice: 0), virtualRuntime: 300)
        q.enqueue(8, policy: .normal(nice: 0), virtualRuntime: 100)
        q.enqueue(9, policy: .batch(nice: 0), virtualRuntime: 200)
        #expect(q.peekNext()?.id == 8)
        #expect([q.popNext()!.id, q.popNext()!.id, q.popNext()!.id] == [8, 9, 7])
    }

    @Test func cpuShareFollowsWeight() {
        // Simulate two CPU-bound threads, nice 0 and nice 5, for a while.
        var q = RunQueue()
        var runtime: [Int: UInt64] = [1: 0, 2: 0]
        let policies: [Int: SchedulingPolicy] = [1: .normal(nice: 0), 2: .normal(nice: 5)]
        q.enqueue(1, policy: policies[1]!, virtualRuntime: 0)
        q.enqueue(2, policy: policies[2]!, virtualRuntime: 0)
        for _ in 0..<20000 {
            var e = q.popNext()!
            let slice: UInt64 = 1_000_000
            runtime[e.id]! += slice
            e.virtualRuntime = RunQueue.advance(e.virtualRuntime, by: slice, policy: e.policy)
            q.enqueue(e.id, policy: e.policy, virtualRuntime: e.virtualRuntime)
        }
        let ratio = Double(runtime[1]!) / Double(runtime[2]!)
        let expected = 1024.0 / 335.0
        #expect(abs(ratio - expected) / expected < 0.02, "ratio \(ratio)")
    }

    @Test func sleeperDoesNotBankUnlimitedCredit() {
        var q = RunQueue()
        q.enqueue(1, policy: .normal(nice: 0), virtualRuntime: 1_000_000_000)
        _ = q.popNext()
        q.enqueue(1, policy: .normal(nice: 0), virtualRuntime: 1_000_000_000)
        // A thread that slept with virtual runtime 0 rejoins near the minimum, not at 0.
        _ = q.popNext()
        q.enqueue(2, policy: .normal(nice: 0), virtualRuntime: 0, wokeUp: true)
        #expect(q.entry(2)!.virtualRuntime == 1_000_000_000 - RunQueue.period / 2)
    }

    @Test func removalAndLoad() {
        var q = RunQueue()
        q.enqueue(1, policy: .normal(nice: 0), virtualRuntime: 5)
        q.enqueue(2, policy: .normal(nice: -5), virtualRuntime: 6)
        #expect(q.fairWeight == 1024 + 3121)
        let removed = q.remove(1)
        #expect(removed?.id == 1)
        let again = q.remove(1)
        #expect(again == nil)
        #expect(q.fairWeight == 3121)
        #expect(q.migratableIDs == [2])
        q.enqueue(3, policy: .fifo(priority: 50), virtualRuntime: 0)
        #expect(q.migratableIDs == [2])
        let rt = q.remove(3)
        #expect(rt != nil && q.realTimeCount == 0)
    }

    @Test func timeSlices() {
        var q = RunQueue()
        #expect(q.timeSlice(for: .normal(nice: 0)) == nil)  // alone: tickless
        q.enqueue(1, policy: .normal(nice: 0), virtualRuntime: 0)
        #expect(q.timeSlice(for: .normal(nice: 0)) == RunQueue.period / 2)
        #expect(q.timeSlice(for: .fifo(priority: 5)) == nil)
        q.enqueue(2, policy: .roundRobin(priority: 5), virtualRuntime: 0)
        #expect(q.timeSlice(for: .roundRobin(priority: 5)) == RunQueue.roundRobinSlice)
        #expect(q.timeSlice(for: .roundRobin(priority: 9)) == nil)
        #expect(q.timeSlice(for: .normal(nice: 0)) == 0)  // a real-time thread waits: switch now
        for i in 10..<40 { q.enqueue(i, policy: .normal(nice: 0), virtualRuntime: 0) }
        _ = q.remove(2)
        #expect(q.timeSlice(for: .normal(nice: 0))! >= RunQueue.minimumSlice)
    }

    @Test func preemptionRules() {
        #expect(RunQueue.shouldPreempt(running: .normal(nice: 0), runningVirtualRuntime: 0, candidate: .fifo(priority: 1), candidateVirtualRuntime: 0))
        #expect(!RunQueue.shouldPreempt(running: .fifo(priority: 5), runningVirtualRuntime: 0, candidate: .fifo(priority: 5), candidateVirtualRuntime: 0))
        #expect(RunQueue.shouldPreempt(running: .fifo(priority: 5), runningVirtualRuntime: 0, candidate: .roundRobin(priority: 6), candidateVirtualRuntime: 0))
        #expect(RunQueue.shouldPreempt(running: .normal(nice: 0), runningVirtualRuntime: 10_000_000, candidate: .normal(nice: 0), candidateVirtualRuntime: 1_000_000))
        #expect(!RunQueue.shouldPreempt(running: .normal(nice: 0), runningVirtualRuntime: 1_000_000, candidate: .normal(nice: 0), candidateVirtualRuntime: 900_000))
        #expect(RunQueue.shouldPreempt(running: .idle, runningVirtualRuntime: 0, candidate: .batch(nice: 19), candidateVirtualRuntime: 99))
    }

    @Test func policiesFromLinuxArguments() {
        #expect(SchedulingPolicy(linuxPolicy: 0, priority: 0) == .normal(nice: 0))
        #expect(SchedulingPolicy(linuxPolicy: 1, priority: 99) == .fifo(priority: 99))
        #expect(SchedulingPolicy(linuxPolicy: 2, priority: 0) == nil)
        #expect(SchedulingPolicy(linuxPolicy: 0, priority: 1) == nil)
        #expect(SchedulingPolicy(linuxPolicy: 4, priority: 0) == nil)
        #expect(SchedulingPolicy(linuxPolicy: 0x4000_0000 | 3, priority: 0) == .batch(nice: 0))
        #expect(SchedulingPolicy.normal(nice: -20).weight == 88761 && SchedulingPolicy.normal(nice: 19).weight == 15)
    }

    @Test func randomizedAgainstAModel() {
        var q = RunQueue()
        var model: [Int: (SchedulingPolicy, UInt64)] = [:]
        var rng = SplitMix64(state: 7)
        for step in 0..<20000 {
            let id = Int(rng.next() % 64)
            switch rng.next() % 3 {
            case 0 where model[id] == nil:
                let r = rng.next() % 10
                let policy: SchedulingPolicy =
                    r < 6 ? .normal(nice: Int(rng.next() % 40) - 20) : r < 8 ? .fifo(priority: Int(rng.next() % 99) + 1) : r < 9 ? .roundRobin(priority: Int(rng.next() % 99) + 1) : .idle
                let v = rng.next() % 1_000_000
                q.enqueue(id, policy: policy, virtualRuntime: v)
                model[id] = (policy, q.entry(id)!.virtualRuntime)
            case 1:
                let removed = q.remove(id) != nil
                #expect(removed == (model.removeValue(forKey: id) != nil))
            default:
                guard let next = q.popNext() else {
                    #expect(model.isEmpty)
                    continue
                }
                // The popped entry must be the best by class, priority, then virtual runtime.
                let best = model.max { a, b in
                    func rank(_ e: (key: Int, value: (SchedulingPolicy, UInt64))) -> (Int, Int, Int64) {
                        switch e.value.0 {
                        case .fifo(let p), .roundRobin(let p): return (2, p, 0)
                        case .idle: return (0, 0, 0)
                        default: return (1, 0, -Int64(e.value.1))
                        }
                    }
                    let ra = rank(a), rb = rank(b)
                    return ra.0 != rb.0 ? ra.0 < rb.0 : ra.1 != rb.1 ? ra.1 < rb.1 : ra.2 < rb.2
                }!
                switch best.value.0 {
                case .normal:
                    // Equal runtimes may come out in either order; the runtime must be the least.
                    if case .normal = next.policy {} else { Issue.record("step \(step): expected a fair thread") }
                    #expect(next.virtualRuntime == best.value.1, "step \(step)")
                case .fifo, .roundRobin:
                    // Equal real-time priorities run in arrival order, whatever the policy.
                    #expect(next.policy.realTimePriority == best.value.0.realTimePriority, "step \(step)")
                default:
                    #expect(next.policy == best.value.0, "step \(step)")
                }
                model[next.id] = nil
            }
            #expect(q.count == model.count)
        }
    }
}

@Suite struct TimerQueueTests {
    @Test func expiryOrderAndRearm() {
        var t = TimerQueue()
        t.arm(1, at: 300)
        t.arm(2, at: 100)
        t.arm(3, at: 200)
        #expect(t.nextDeadline == 100)
        t.arm(2, at: 400)  // re-arm replaces
        #expect(t.nextDeadline == 200)
        #expect(t.popExpired(now: 250) == [3])
        let first = t.cancel(1)
        let second = t.cancel(1)
        #expect(first && !second)
        #expect(t.popExpired(now: 1000) == [2])
        #expect(t.nextDeadline == nil)
    }

    @Test func randomizedAgainstAModel() {
        var t = TimerQueue()
        var model: [Int: UInt64] = [:]
        var rng = SplitMix64(state: 99)
        var now: UInt64 = 0
        for _ in 0..<20000 {
            let id = Int(rng.next() % 100)
            switch rng.next() % 4 {
            case 0, 1:
                let d = now + rng.next() % 1000
                t.arm(id, at: d)
                model[id] = d
            case 2:
                let cancelled = t.cancel(id)
                #expect(cancelled == (model.removeValue(forKey: id) != nil))
            default:
                now += rng.next() % 300
                let due = t.popExpired(now: now)
                let expected = model.filter { $0.value <= now }.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.map { $0.key }
                #expect(due == expected)
                for id in due { model[id] = nil }
            }
            #expect(t.nextDeadline == model.values.min())
        }
    }
}

@Suite struct LoadBalancerTests {
    @Test func movesOnlyWhenItHelps() {
        #expect(LoadBalancer.plan(loads: [3, 1, 2]) == .init(from: 0, to: 1))
        #expect(LoadBalancer.plan(loads: [2, 1]) == nil)
        #expect(LoadBalancer.plan(loads: [5, 0], allowed: [true, false]) == nil)
        #expect(LoadBalancer.plan(loads: []) == nil)
    }

    @Test func placementPrefersTheCachedCPU() {
        #expect(LoadBalancer.placement(previous: 1, loads: [0, 0, 0], affinity: { _ in true }) == 1)
        #expect(LoadBalancer.placement(previous: 1, loads: [0, 2, 1], affinity: { _ in true }) == 0)
        #expect(LoadBalancer.placement(previous: 1, loads: [0, 2, 1], affinity: { $0 != 0 }) == 2)
        #expect(LoadBalancer.placement(previous: 0, loads: [1, 1], affinity: { _ in true }) == 0)
    }

    @Test func slotMap() {
        var m = SlotMap<String>()
        m[5] = "five"
        m[0] = "zero"
        #expect(m.count == 2 && m[5] == "five" && m[3] == nil && m[-1] == nil)
        m[5] = nil
        #expect(m.count == 1)
        let zero = m.removeValue(forKey: 0)
        #expect(zero == "zero" && m.count == 0)
        m[100] = nil
        #expect(m.count == 0)
    }
}
