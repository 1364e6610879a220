import Foundation
import Trace

/// Passes console output through to `output` as it arrives, minus framed trace dumps
/// (`skiff run` shows the program's output; the dump goes to a file instead).
///
/// Text that cannot be the start of a dump's begin line is written at once, so prompts
/// without a newline still appear; only a line that starts like the marker waits for its end.
public final class ConsoleTraceFilter: @unchecked Sendable {
    private let pipe = Pipe()
    private let output: FileHandle
    private let done = DispatchSemaphore(value: 0)
    private var pending: [UInt8] = []
    private var inside = false
    private static let begin = Array("skiff-trace-begin 1".utf8)
    private static let end = Array("skiff-trace-end ".utf8)

    /// Where the VM's console should be written.
    public var sink: FileHandle { pipe.fileHandleForWriting }

    public init(output: FileHandle) {
        self.output = output
        let reader = pipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            while true {
                let data = reader.availableData
                if data.isEmpty { break }
                self.consume([UInt8](data))
            }
            self.flush()
            self.done.signal()
        }
    }

    /// Call once the VM has exited: passes on what is left and waits for the reader.
    public func finish() {
        try? pipe.fileHandleForWriting.close()
        done.wait()
    }

    /// Feeds bytes (exposed for tests through `filter`).
    func consume(_ bytes: [UInt8]) {
        var out: [UInt8] = []
        for b in bytes {
            pending.append(b)
            if b == 0x0A {
                let line = pending.last(2) == [0x0D, 0x0A] ? pending.dropLast(2) : pending.dropLast()
                if !inside && line.elementsEqual(Self.begin) {
                    inside = true
                } else if inside {
                    if line.starts(with: Self.end) { inside = false }
                } else {
                    out.append(contentsOf: pending)
                }
                pending.removeAll()
            } else if !inside && !Self.begin.starts(with: pending.last == 0x0D ? pending.dropLast() : pending[...]) {
                out.append(contentsOf: pending)
                pending.removeAll()
            }
        }
        if !out.isEmpty { output.writeAll(Data(out)) }
    }

    private func flush() {
        if !inside && !pending.isEmpty { output.writeAll(Data(pending)) }
        pending.removeAll()
    }
}

extension Array where Element == UInt8 {
    func last(_ n: Int) -> [UInt8] { count >= n ? Array(self[(count - n)...]) : self }
}
