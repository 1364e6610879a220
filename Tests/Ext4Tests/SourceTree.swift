import Foundation

/// A directory tree on the host that mke2fs copies into new volumes (`mke2fs -d`), so read
/// tests compare what the module sees with what the host wrote.
struct SourceTree {
    let root: String

    /// Builds the standard tree: small and large files, a file of exactly one block, an empty
    /// file, nested directories, a directory of `manyFiles` names (several blocks, so e2fsck
    /// -D can index it), fast and slow symlinks, and names with bytes above 0x7F.
    init(in scratch: Scratch, manyFiles: Int = 300, seed: UInt64 = 1) throws {
        root = scratch.file("source-\(UUID().uuidString)")
        let manager = FileManager.default
        try manager.createDirectory(atPath: "\(root)/dir/sub/deeper", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: "\(root)/many", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: "\(root)/empty-dir", withIntermediateDirectories: true)
        var random = SplitMix64(seed: seed)
        try write("hello.txt", Array("hello, ext4\n".utf8))
        try write("empty", [])
        try write("block", random.bytes(4096))
        try write("dir/medium.bin", random.bytes(70_000))
        try write("dir/sub/large.bin", random.bytes(3_000_000))
        try write("dir/sub/deeper/note", Array("deep".utf8))
        try write("caf\u{E9}-\u{65E5}\u{672C}", Array("unicode name".utf8))
        for index in 0..<manyFiles {
            try write("many/file-with-a-longish-name-\(index)", Array("entry \(index)".utf8))
        }
        // Bytes above 0x7F hash differently with signed and unsigned `char`.
        for index in 0..<min(manyFiles, 20) {
            try write("many/\u{FC}nic\u{F6}de-\u{00E9}\u{00E8}-\(index)", Array("accented \(index)".utf8))
        }
        try manager.createSymbolicLink(atPath: "\(root)/fast-link", withDestinationPath: "hello.txt")
        let longTarget = "dir/sub/" + String(repeating: "long-component/", count: 8) + "target"
        try manager.createSymbolicLink(atPath: "\(root)/slow-link", withDestinationPath: longTarget)
        try manager.createSymbolicLink(atPath: "\(root)/dir/up", withDestinationPath: "../hello.txt")
    }

    func write(_ relative: String, _ data: [UInt8]) throws {
        try Data(data).write(to: URL(fileURLWithPath: "\(root)/\(relative)"))
    }
}
