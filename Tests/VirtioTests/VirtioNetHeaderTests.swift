import Testing
@testable import Virtio

@Suite struct VirtioNetHeaderTests {
    @Test func fieldsAreLittleEndianInSpecOrder() {
        var h = VirtioNetHeader()
        h.flags = VirtioNetHeader.needsChecksum
        h.segmentationType = VirtioNetHeader.segmentationTCPv6
        h.headerLength = 0x0102
        h.segmentSize = 0x0304
        h.checksumStart = 0x0506
        h.checksumOffset = 0x0708
        var bytes = [UInt8](repeating: 0xEE, count: 12)
        bytes.withUnsafeMutableBytes { h.write(to: $0.baseAddress!, byteCount: 12) }
        #expect(bytes == [1, 4, 2, 1, 4, 3, 6, 5, 8, 7, 0, 0])
        bytes[10] = 3
        let back = bytes.withUnsafeBytes { VirtioNetHeader(reading: $0.baseAddress!, byteCount: 12) }
        #expect(back.bufferCount == 3 && back.checksumStart == 0x0506 && back.segmentSize == 0x0304)
        // A 10-byte legacy header has no buffer count and leaves byte 10 alone.
        var legacy = [UInt8](repeating: 0xEE, count: 12)
        legacy.withUnsafeMutableBytes { h.write(to: $0.baseAddress!, byteCount: 10) }
        #expect(legacy[10] == 0xEE)
        #expect(legacy.withUnsafeBytes { VirtioNetHeader(reading: $0.baseAddress!, byteCount: 10) }.bufferCount == 1)
    }

    @Test func eitherChecksumFlagMeansVerified() {
        var h = VirtioNetHeader()
        #expect(!h.checksumsVerified)
        h.flags = VirtioNetHeader.dataValid
        #expect(h.checksumsVerified)
        h.flags = VirtioNetHeader.needsChecksum
        #expect(h.checksumsVerified)
    }

    @Test func featuresWithoutTheirPrerequisitesAreNotAskedFor() {
        let everything = VirtioFeatures(rawValue: ~0)
        let all = VirtioFeatures.networkWanted(offered: everything)
        #expect(all.isSuperset(of: [.netChecksum, .netHostTSO4, .netHostTSO6, .netGuestTSO4, .netMergeableBuffers, .netMultiQueue, .netControlQueue]))
        #expect(!all.contains(.bit(10)))  // UFO: never
        // QEMU's user network offers no offloads: nothing that depends on them is left.
        let user: VirtioFeatures = [.netMAC, .netStatus, .netMergeableBuffers, .netHostTSO4, .netGuestTSO4, .netMultiQueue]
        #expect(VirtioFeatures.networkWanted(offered: user) == [.netMAC, .netStatus, .netMergeableBuffers])
        // Large receive needs mergeable buffers too.
        let noMerge = everything.subtracting(.netMergeableBuffers)
        #expect(VirtioFeatures.networkWanted(offered: noMerge).isDisjoint(with: [.netGuestTSO4, .netGuestTSO6]))
        // Multi-queue needs the control queue, and the control queue is only wanted for it.
        #expect(VirtioFeatures.networkWanted(offered: everything.subtracting(.netControlQueue)).isDisjoint(with: [.netMultiQueue, .netControlQueue]))
        #expect(VirtioFeatures.networkWanted(offered: everything.subtracting(.netMultiQueue)).isDisjoint(with: [.netMultiQueue, .netControlQueue]))
    }
}
