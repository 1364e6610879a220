/// Why a dump could not be read.
public struct TraceDumpError: Error, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}
