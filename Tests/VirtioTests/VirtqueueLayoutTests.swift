import Testing
@testable import Virtio

@Suite struct VirtqueueLayoutTests {
    @Test func modernLayoutPacksTheRings() {
        let l = VirtqueueLayout(size: 256)!
        #expect(l.descriptorOffset == 0)
        #expect(l.availableOffset == 4096)
        // 4096 + flags/idx (4) + ring (512) + used_event (2) = 4614, rounded up to 4.
        #expect(l.usedOffset == 4616)
        #expect(l.totalBytes == 4616 + 4 + 2048 + 2)
        #expect(l.usedEvent == 4096 + 4 + 512)
        #expect(l.availableEvent == 4616 + 4 + 2048)
    }

    @Test func legacyLayoutPageAlignsTheUsedRing() {
        let l = VirtqueueLayout(size: 256, usedAlignment: 4096)!
        #expect(l.usedOffset == 8192)
        #expect(l.totalBytes == 8192 + 6 + 8 * 256)
        let small = VirtqueueLayout(size: 16, usedAlignment: 4096)!
        #expect(small.usedOffset == 4096)
    }

    @Test func everyPowerOfTwoIsAcceptedAndAligned() {
        var size = 1
        while size <= 32768 {
            let l = VirtqueueLayout(size: size)!
            #expect(l.availableOffset % 2 == 0 && l.usedOffset % 4 == 0)
            #expect(l.usedOffset >= l.usedEvent + 2)
            #expect(l.totalBytes == l.availableEvent + 2)
            size *= 2
        }
    }

    @Test(arguments: [0, -1, 3, 6, 100, 65536, 32769])
    func otherSizesAreRejected(size: Int) {
        #expect(VirtqueueLayout(size: size) == nil)
    }

    @Test func badUsedAlignmentIsRejected() {
        #expect(VirtqueueLayout(size: 8, usedAlignment: 2) == nil)
        #expect(VirtqueueLayout(size: 8, usedAlignment: 100) == nil)
    }
}

@Suite struct EventIndexTests {
    /// The definition: after moving from `old` to `new`, the event is due if the index passed
    /// through `event` (counting forward from `old`, 16-bit wrap-around).
    func reference(event: UInt16, new: UInt16, old: UInt16) -> Bool {
        var i = old
        while i != new {
            if i == event { return true }
            i &+= 1
        }
        return false
    }

    @Test func matchesTheDefinitionAroundTheWrap() {
        let olds: [UInt16] = [0, 1, 100, 32767, 32768, 65000, 65534, 65535]
        for old in olds {
            for distance in 0..<40 {
                let new = old &+ UInt16(distance)
                for delta in -3..<45 {
                    let event = old &+ UInt16(truncatingIfNeeded: delta)
                    #expect(
                        EventIndex.needsEvent(event: event, new: new, old: old) == reference(event: event, new: new, old: old),
                        "event \(event) new \(new) old \(old)")
                }
            }
        }
    }

    @Test func randomTriplesMatchTheDefinition() {
        var rng = SplitMix64(state: 7)
        for _ in 0..<20000 {
            let old = UInt16(truncatingIfNeeded: rng.next())
            let new = old &+ UInt16(rng.below(300))
            let event = old &+ UInt16(truncatingIfNeeded: rng.below(600) - 150)
            #expect(EventIndex.needsEvent(event: event, new: new, old: old) == reference(event: event, new: new, old: old))
        }
    }
}

@Suite struct FeatureTests {
    @Test func negotiationKeepsWhatBothSidesKnow() {
        let offered: VirtioFeatures = [.version1, .eventIndex, .blockFlush, .bit(50)]
        let wanted: VirtioFeatures = [.eventIndex, .blockFlush, .blockDiscard]
        #expect(VirtioFeatures.negotiate(offered: offered, wanted: wanted, required: .version1) == [.version1, .eventIndex, .blockFlush])
        #expect(VirtioFeatures.negotiate(offered: [.eventIndex], wanted: wanted, required: .version1) == nil)
    }

    @Test func pciDeviceIDsNameTheirTypes() {
        #expect(VirtioDeviceType.fromPCIDeviceID(0x1042) == VirtioDeviceType.block)
        #expect(VirtioDeviceType.fromPCIDeviceID(0x1001) == VirtioDeviceType.block)
        #expect(VirtioDeviceType.fromPCIDeviceID(0x1005) == VirtioDeviceType.entropy)
        #expect(VirtioDeviceType.fromPCIDeviceID(0x1044) == VirtioDeviceType.entropy)
        #expect(VirtioDeviceType.fromPCIDeviceID(0x1040) == nil)
        #expect(VirtioDeviceType.fromPCIDeviceID(0x1100) == nil)
    }

    @Test func blockHeaderLayout() {
        var header = [UInt8](repeating: 0xFF, count: 16)
        header.withUnsafeMutableBytes { VirtioBlockRequest.writeHeader(type: VirtioBlockRequest.typeOut, sector: 0x0102_0304_0506_0708, to: $0.baseAddress!) }
        #expect(header == [1, 0, 0, 0, 0, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1])
        var range = [UInt8](repeating: 0xFF, count: 16)
        range.withUnsafeMutableBytes { VirtioBlockRequest.writeRange(sector: 9, count: 3, unmap: true, to: $0.baseAddress!) }
        #expect(range == [9, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0])
    }
}
