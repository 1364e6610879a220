/// Why a kernel command line was rejected. `message` is the one line the kernel prints.
public struct BootOptionError: Error {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }
}
