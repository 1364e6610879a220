import VFS

/// What file-system tests read back through the VFS: a file's bytes and a directory's names, the
/// way an application's `read` and `getdents64` calls see them.
extension OpenFile {
    /// Everything from the position to the end, read `chunk` bytes at a time.
    public func readToEnd(chunk: Int = 3000) throws -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try read(into: $0) }
            if n == 0 { return result }
            result += buffer[0..<n]
        }
    }

    /// The names `getdents64` returns, in its order, through a buffer of `bufferSize` bytes (a
    /// small one makes listing resume from the cookies).
    public func directoryNames(bufferSize: Int = 512) throws -> [String] {
        var names: [String] = []
        var buffer = [UInt8](repeating: 0, count: bufferSize)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try readDirectory(into: $0) }
            if n == 0 { return names }
            var offset = 0
            while offset < n {
                let length = Int(buffer[offset + 16]) | Int(buffer[offset + 17]) << 8
                let name = buffer[(offset + Dirent64.nameOffset)..<(offset + length)].prefix { $0 != 0 }
                names.append(String(decoding: name, as: UTF8.self))
                offset += length
            }
        }
    }
}
