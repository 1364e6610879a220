/// Inode numbers for nodes that are made on demand: a hash of the parent's number and the
/// name (FNV-1a, 64 bits), so a path names the same number on every lookup and readdir can
/// report it without making the node.
public enum SyntheticInode {
    /// The root directory's number.
    public static let root: UInt64 = 1

    /// The number of the entry `name` in the directory numbered `parent`.
    public static func child(of parent: UInt64, named name: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        var p = parent
        for _ in 0..<8 {
            hash = (hash ^ (p & 0xFF)) &* 0x0000_0100_0000_01B3
            p >>= 8
        }
        for byte in name { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        // Numbers below 4096 stay free for fixed nodes, and 0 means "no inode" to readdir users.
        return hash < 4096 ? hash &+ 4096 : hash
    }
}
