/// A socket of a ``NetworkStack``, as the kernel's file descriptor refers to it.
///
/// The generation changes each time a table slot is reused, so an ID kept after `close` fails
/// with `EBADF` instead of reaching a newer socket.
public struct SocketID: Equatable, Hashable, Sendable {
    public let index: UInt32
    public let generation: UInt32

    public init(index: UInt32, generation: UInt32) {
        self.index = index
        self.generation = generation
    }

    /// Both halves in one word, for the kernel's file table.
    public var rawValue: UInt64 { UInt64(generation) << 32 | UInt64(index) }

    public init(rawValue: UInt64) {
        index = UInt32(truncatingIfNeeded: rawValue)
        generation = UInt32(truncatingIfNeeded: rawValue >> 32)
    }
}
