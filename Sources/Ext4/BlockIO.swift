import Storage

/// Whole-block transfers on the device, in file-system block numbers.
///
/// Every transfer is checked against the volume's block count before it reaches the device,
/// so a corrupt block pointer becomes an error rather than a read of some other disk's data.
struct BlockIO {
    let device: any BlockDevice
    let blockSize: Int
    let sectorsPerBlock: UInt64
    let blocksCount: UInt64

    func check(_ block: UInt64, count: UInt64 = 1) throws(Ext4Error) {
        guard block < blocksCount, count <= blocksCount &- block else {
            throw .corrupt("ext4: block \(block)+\(count) beyond the volume's \(blocksCount) blocks")
        }
    }

    func read(_ block: UInt64) throws(Ext4Error) -> [UInt8] {
        var data = [UInt8](repeating: 0, count: blockSize)
        try read(block, count: 1, into: &data, at: 0)
        return data
    }

    /// Reads `count` consecutive blocks into `data` from byte `offset`.
    func read(_ block: UInt64, count: Int, into data: inout [UInt8], at offset: Int) throws(Ext4Error) {
        try check(block, count: UInt64(count))
        let bytes = count &* blockSize
        let result: BlockDeviceError? = data.withUnsafeMutableBytes { raw in
            do throws(BlockDeviceError) {
                try device.read(
                    sector: block &* sectorsPerBlock,
                    into: UnsafeMutableRawBufferPointer(rebasing: raw[offset..<(offset &+ bytes)]))
                return nil
            } catch { return error }
        }
        if let result { throw .device(result) }
    }

    /// Reads `count` consecutive blocks straight into a caller's buffer.
    func read(_ block: UInt64, count: Int, into buffer: UnsafeMutableRawBufferPointer) throws(Ext4Error) {
        try check(block, count: UInt64(count))
        do throws(BlockDeviceError) {
            try device.read(sector: block &* sectorsPerBlock, into: buffer)
        } catch { throw .device(error) }
    }

    func write(_ block: UInt64, _ data: [UInt8]) throws(Ext4Error) {
        try write(block, data, from: 0, count: 1)
    }

    /// Writes `count` blocks of `data` starting at byte `offset`.
    func write(_ block: UInt64, _ data: [UInt8], from offset: Int, count: Int) throws(Ext4Error) {
        try check(block, count: UInt64(count))
        let bytes = count &* blockSize
        let result: BlockDeviceError? = data.withUnsafeBytes { raw in
            do throws(BlockDeviceError) {
                try device.write(
                    sector: block &* sectorsPerBlock,
                    from: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset &+ bytes)]))
                return nil
            } catch { return error }
        }
        if let result { throw .device(result) }
    }

    func write(_ block: UInt64, count: Int, from buffer: UnsafeRawBufferPointer) throws(Ext4Error) {
        try check(block, count: UInt64(count))
        do throws(BlockDeviceError) {
            try device.write(sector: block &* sectorsPerBlock, from: buffer)
        } catch { throw .device(error) }
    }

    func flush() throws(Ext4Error) {
        do throws(BlockDeviceError) {
            try device.flush()
        } catch { throw .device(error) }
    }
}
