/// Why an ELF file was rejected. Messages are written for the user who passed the file:
/// "not an ELF file", "built for aarch64, Skiff runs x86_64 programs", …
public struct ELFError: Error {
    public var message: String
    public init(_ message: String) { self.message = message }
}
