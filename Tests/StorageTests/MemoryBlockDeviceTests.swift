import Testing
@testable import Storage

@Suite struct MemoryBlockDeviceTests {
    @Test func writeThenReadBack() throws {
        let disk = MemoryBlockDevice(sectorCount: 16)
        let data = (0..<1024).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try data.withUnsafeBytes { try disk.write(sector: 3, from: $0) }
        var back = [UInt8](repeating: 0, count: 1024)
        try back.withUnsafeMutableBytes { try disk.read(sector: 3, into: $0) }
        #expect(back == data)
        #expect(disk.bytes[3 * 512..<5 * 512].elementsEqual(data))
        #expect(disk.bytes[0..<3 * 512].allSatisfy { $0 == 0 })
    }

    @Test func rangeAndAlignmentAreChecked() {
        let disk = MemoryBlockDevice(sectorCount: 4)
        var buffer = [UInt8](repeating: 0, count: 1024)
        #expect(throws: BlockDeviceError.outOfRange) { try buffer.withUnsafeMutableBytes { try disk.read(sector: 3, into: $0) } }
        #expect(throws: BlockDeviceError.outOfRange) { try buffer.withUnsafeMutableBytes { try disk.read(sector: UInt64.max, into: $0) } }
        var odd = [UInt8](repeating: 0, count: 100)
        #expect(throws: BlockDeviceError.misaligned) { try odd.withUnsafeMutableBytes { try disk.read(sector: 0, into: $0) } }
        #expect(throws: BlockDeviceError.outOfRange) { try disk.discard(sector: 2, count: 3) }
        #expect(throws: BlockDeviceError.outOfRange) { try disk.discard(sector: 1, count: UInt64.max) }
        // A zero-length transfer at the very end is fine.
        #expect(throws: Never.self) { try disk.read(sector: 4, into: UnsafeMutableRawBufferPointer(start: nil, count: 0)) }
    }

    @Test func readOnlyRefusesChanges() {
        let disk = MemoryBlockDevice(sectorCount: 4, readOnly: true)
        let data = [UInt8](repeating: 1, count: 512)
        #expect(throws: BlockDeviceError.readOnly) { try data.withUnsafeBytes { try disk.write(sector: 0, from: $0) } }
        #expect(throws: BlockDeviceError.readOnly) { try disk.flush() }
        #expect(throws: BlockDeviceError.readOnly) { try disk.discard(sector: 0, count: 1) }
        #expect(BlockDeviceError.readOnly.errno == 30)
    }

    @Test func discardZeroesAndFlushCounts() throws {
        let disk: any BlockDevice = MemoryBlockDevice(sectorCount: 8)
        let data = [UInt8](repeating: 0xAB, count: 8 * 512)
        try data.withUnsafeBytes { try disk.write(sector: 0, from: $0) }
        try disk.discard(sector: 2, count: 3)
        try disk.flush()
        var back = [UInt8](repeating: 0, count: 8 * 512)
        try back.withUnsafeMutableBytes { try disk.read(sector: 0, into: $0) }
        #expect(back[0..<1024].allSatisfy { $0 == 0xAB })
        #expect(back[1024..<2560].allSatisfy { $0 == 0 })
        #expect(back[2560...].allSatisfy { $0 == 0xAB })
        #expect((disk as! MemoryBlockDevice).flushCount == 1)
        #expect(disk.byteCount == 4096)
    }
}
