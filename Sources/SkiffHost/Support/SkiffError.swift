/// A failure the CLI reports as one line that says what went wrong and what to do.
public struct SkiffError: Error, CustomStringConvertible {
    public var message: String
    /// Exit status of the `skiff` process for this failure.
    public var exitStatus: Int32

    public init(_ message: String, exitStatus: Int32 = 1) {
        self.message = message
        self.exitStatus = exitStatus
    }

    public var description: String { message }
}
