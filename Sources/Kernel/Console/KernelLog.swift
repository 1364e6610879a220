#if SKIFF_KERNEL
/// The last kernel log lines (`log(…)`), for the monitoring API's `/os/dmesg`.
enum KernelLog {
    static let capacity = 16 * 1024
    nonisolated(unsafe) private static var text: [UInt8] = []
    static let lock = SpinLock()

    static func append(_ message: String) {
        lock.withLock {
            text.append(contentsOf: Array("skiff: ".utf8))
            text.append(contentsOf: Array(message.utf8))
            text.append(0x0A)
            if text.count > capacity {
                // Drop whole lines from the front.
                var cut = text.count - capacity
                while cut < text.count && text[cut - 1] != 0x0A { cut += 1 }
                text.removeFirst(cut)
            }
        }
    }

    static var contents: [UInt8] { lock.withLock { text } }
}
#endif
