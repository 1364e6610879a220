import Foundation

/// The console as it arrives, for host code that must wait for the guest (a test's host peer,
/// a benchmark's load generator): give `sink` to `VirtualMachine.echo` and ask `contains`.
public final class ConsoleWatch: @unchecked Sendable {
    private let pipe = Pipe()
    private let lock = NSLock()
    private var text = ""

    public init() {
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.lock()
            self.text += String(decoding: data, as: UTF8.self)
            self.lock.unlock()
        }
    }

    public var sink: FileHandle { pipe.fileHandleForWriting }

    public func contains(_ s: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return text.contains(s)
    }
}
