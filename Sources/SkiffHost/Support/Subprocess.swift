import Foundation

/// Runs a program, optionally streaming its output, with a timeout.
///
/// Foundation's `Process` is used directly: the few things needed here (pipes, a deadline,
/// SIGTERM then SIGKILL) do not justify another dependency.
public struct Subprocess {
    public struct Result {
        public var status: Int32
        public var standardOutput: [UInt8]
        public var standardError: [UInt8]
        public var timedOut: Bool
        public var elapsed: Double
        /// When standard output arrived: for each chunk read from the pipe, the length of the
        /// output up to its end and the seconds since the process was started.
        public var outputArrivals: [OutputArrival]

        public var outputText: String { String(decoding: standardOutput, as: UTF8.self) }
        public var errorText: String { String(decoding: standardError, as: UTF8.self) }
    }

    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]? = nil
    /// The folder it starts in (nil: this process's).
    public var currentDirectory: String? = nil
    public var timeout: Double? = nil
    /// Copy standard output to this handle as it arrives (a terminal, for `skiff run`).
    public var echoOutput: FileHandle? = nil
    public var echoError: FileHandle? = nil
    /// Feed standard input from this handle (the user's terminal), or /dev/null when nil.
    public var input: FileHandle? = nil

    public init(_ executable: String, _ arguments: [String]) {
        self.executable = executable
        self.arguments = arguments
    }

    /// Finds `name` in PATH (or returns it when it already contains a slash and exists).
    public static func find(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    public func run() throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input ?? FileHandle.nullDevice

        let collected = Collected()
        let start = DispatchTime.now().uptimeNanoseconds
        let echoOutput = echoOutput
        let echoError = echoError
        // A handler reads and records under `reading`, and so does the final drain below: a
        // handler still running when the process ends has either recorded what it read before
        // the drain looks, or reads nothing after it (seen once: a quick child's whole output lost).
        let reading = NSLock()
        out.fileHandleForReading.readabilityHandler = { handle in
            let data: Data = reading.withLock {
                let data = handle.availableData
                if !data.isEmpty { collected.appendOutput(data, at: DispatchTime.now().uptimeNanoseconds &- start) }
                return data
            }
            if !data.isEmpty { echoOutput?.writeAll(data) }
        }
        err.fileHandleForReading.readabilityHandler = { handle in
            let data: Data = reading.withLock {
                let data = handle.availableData
                if !data.isEmpty { collected.appendError(data) }
                return data
            }
            if !data.isEmpty { echoError?.writeAll(data) }
        }

        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do {
            try process.run()
        } catch {
            throw SkiffError("cannot start \(executable): \(error.localizedDescription)")
        }
        var timedOut = false
        if let timeout {
            if finished.wait(timeout: .now() + timeout) == .timedOut {
                timedOut = true
                process.terminate()
                if finished.wait(timeout: .now() + 2) == .timedOut {
                    kill(process.processIdentifier, SIGKILL)
                    finished.wait()
                }
            }
        } else {
            finished.wait()
        }
        // Drain what is left in the pipes after the process ended.
        out.fileHandleForReading.readabilityHandler = nil
        err.fileHandleForReading.readabilityHandler = nil
        let (restOut, restErr) = reading.withLock {
            let restOut = out.fileHandleForReading.readDataToEndOfFile()
            let restErr = err.fileHandleForReading.readDataToEndOfFile()
            collected.appendOutput(restOut, at: DispatchTime.now().uptimeNanoseconds &- start)
            collected.appendError(restErr)
            return (restOut, restErr)
        }
        if !restOut.isEmpty { echoOutput?.writeAll(restOut) }
        if !restErr.isEmpty { echoError?.writeAll(restErr) }

        return Result(
            status: process.terminationStatus, standardOutput: collected.output, standardError: collected.error,
            timedOut: timedOut, elapsed: Double(DispatchTime.now().uptimeNanoseconds &- start) / 1e9,
            outputArrivals: collected.arrivals)
    }

    /// Output gathered from the pipe handlers, which run on other threads.
    private final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var output: [UInt8] = []
        private(set) var error: [UInt8] = []
        private(set) var arrivals: [OutputArrival] = []

        func appendOutput(_ data: Data, at nanoseconds: UInt64) {
            lock.lock()
            output.append(contentsOf: data)
            if !data.isEmpty { arrivals.append(OutputArrival(end: output.count, elapsed: Double(nanoseconds) / 1e9)) }
            lock.unlock()
        }

        func appendError(_ data: Data) {
            lock.lock()
            error.append(contentsOf: data)
            lock.unlock()
        }
    }
}

/// One chunk of a process's standard output: the output's length once it had arrived, and the
/// seconds from the process's start to its arrival.
public struct OutputArrival: Equatable, Sendable {
    public var end: Int
    public var elapsed: Double
    public init(end: Int, elapsed: Double) {
        self.end = end
        self.elapsed = elapsed
    }
}
