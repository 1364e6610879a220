#if SKIFF_KERNEL
import CKernel
import LinuxABI
import VFS

/// The character devices every Linux program expects, by their Linux numbers, and the hook
/// that connects device nodes in any file system (devfs, a tmpfs, the image) to them and to
/// the disks (`BlockDeviceNode`).
final class CharacterDevices: DeviceOpener {
    static let null = DeviceNumber(major: 1, minor: 3)
    static let zero = DeviceNumber(major: 1, minor: 5)
    static let full = DeviceNumber(major: 1, minor: 7)
    static let random = DeviceNumber(major: 1, minor: 8)
    static let urandom = DeviceNumber(major: 1, minor: 9)
    static let tty = DeviceNumber(major: 5, minor: 0)
    static let console = DeviceNumber(major: 5, minor: 1)

    let nullDevice = NullDevice()
    let zeroDevice = ZeroDevice()
    let fullDevice = FullDevice()
    let randomDevice = RandomDevice()
    let consoleDevice = ConsoleDevice()

    func open(_ node: VNode, attributes: FileAttributes, flags: OpenFlags) throws(Errno) -> VNode {
        if attributes.type == .fifo {
            // A pipe reached through /proc/PID/fd/N: the same pipe, the ends the access mode asks
            // for. Otherwise a FIFO node in a file system: its named pipe.
            let ends = PipeEnds(accessMode: flags.accessMode)
            if let end = node as? PipeEnd { return PipeEnd(pipe: end.pipe, ends: ends, isNamed: end.isNamed) }
            return NamedPipes.end(of: node, ends: ends)
        }
        if attributes.type == .blockDevice {
            guard let disk = FileSystems.diskNode(attributes.specialDevice) else { throw .ENXIO }
            return disk
        }
        guard attributes.type == .characterDevice else { throw .ENXIO }
        switch attributes.specialDevice {
        case Self.null: return nullDevice
        case Self.zero: return zeroDevice
        case Self.full: return fullDevice
        case Self.random, Self.urandom: return randomDevice
        case Self.tty, Self.console: return consoleDevice
        default: throw .ENXIO
        }
    }
}

/// `/dev/null`: reads end at once, writes vanish.
final class NullDevice: VNode {
    init() { super.init(type: .characterDevice) }
    override func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int { 0 }
    override func write(at offset: UInt64, from buffer: UnsafeRawBufferPointer, appending: Bool) throws(Errno) -> (count: Int, end: UInt64) {
        (buffer.count, offset)
    }
}

/// `/dev/zero`: endless zero bytes.
final class ZeroDevice: VNode {
    init() { super.init(type: .characterDevice) }
    override func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        if let base = buffer.baseAddress { base.initializeMemory(as: UInt8.self, repeating: 0, count: buffer.count) }
        return buffer.count
    }
    override func write(at offset: UInt64, from buffer: UnsafeRawBufferPointer, appending: Bool) throws(Errno) -> (count: Int, end: UInt64) {
        (buffer.count, offset)
    }
}

/// `/dev/full`: zeros to read, and every write fails with ENOSPC.
final class FullDevice: VNode {
    init() { super.init(type: .characterDevice) }
    override func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        if let base = buffer.baseAddress { base.initializeMemory(as: UInt8.self, repeating: 0, count: buffer.count) }
        return buffer.count
    }
    override func write(at offset: UInt64, from buffer: UnsafeRawBufferPointer, appending: Bool) throws(Errno) -> (count: Int, end: UInt64) {
        throw .ENOSPC
    }
}

/// `/dev/random` and `/dev/urandom`: the kernel's entropy pool.
final class RandomDevice: VNode {
    init() { super.init(type: .characterDevice) }
    override func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        Entropy.reseedIfDue()
        Entropy.fill(buffer)
        return buffer.count
    }
    override func write(at offset: UInt64, from buffer: UnsafeRawBufferPointer, appending: Bool) throws(Errno) -> (count: Int, end: UInt64) {
        Entropy.add(buffer, entropyBits: 0)  // mixed in, never credited (as on Linux)
        return (buffer.count, offset)
    }
}

/// `/dev/console` and `/dev/tty`: the serial port. Reads wait for input, polling the UART
/// between short sleeps (no receive interrupt is routed yet); a read returns what has arrived,
/// as a terminal in non-canonical mode does.
final class ConsoleDevice: PollableNode {
    init() { super.init(type: .characterDevice) }

    override func readiness() -> PollEvents {
        SerialPort.com1.hasInput ? [.input, .readNormal, .output, .writeNormal] : [.output, .writeNormal]
    }

    /// No receive interrupt is routed: waiters look at the UART every few milliseconds.
    override var readinessIsPolled: Bool { true }

    override func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        guard buffer.count > 0 else { return 0 }
        var count = 0
        while true {
            while count < buffer.count, let byte = SerialPort.com1.read() {
                buffer[count] = byte == 0x0D ? 0x0A : byte  // ICRNL
                count += 1
                if byte == 0x0D || byte == 0x0A { return count }
            }
            if count > 0 { return count }
            if Signals.pendingForCurrent() { throw .ERESTARTSYS }
            Scheduler.sleep(until: Clock.monotonic + 10_000_000)
        }
    }

    override func write(at offset: UInt64, from buffer: UnsafeRawBufferPointer, appending: Bool) throws(Errno) -> (count: Int, end: UInt64) {
        Console.withLock { Console.write(bytes: buffer) }
        return (buffer.count, offset)
    }
}

#endif
