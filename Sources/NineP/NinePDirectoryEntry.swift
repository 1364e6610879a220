import LinuxABI

/// One entry of an Rreaddir: `qid[13] offset[8] type[1] name[s]`. `offset` is the server's
/// cookie for the entries after this one, `type` a Linux `DT_*` value.
public struct NinePDirectoryEntry: Equatable {
    public var qid: NinePQid
    public var offset: UInt64
    public var type: UInt8
    public var name: [UInt8]

    public init(qid: NinePQid, offset: UInt64, type: UInt8, name: [UInt8]) {
        self.qid = qid
        self.offset = offset
        self.type = type
        self.name = name
    }

    /// The entries in an Rreaddir's data.
    public static func decode(_ data: UnsafeRawBufferPointer) throws(Errno) -> [NinePDirectoryEntry] {
        var reader = NinePReader(data)
        var entries: [NinePDirectoryEntry] = []
        while reader.remaining > 0 {
            let qid = try reader.qid()
            let offset = try reader.u64()
            let type = try reader.u8()
            entries.append(NinePDirectoryEntry(qid: qid, offset: offset, type: type, name: try reader.string()))
        }
        return entries
    }

    public func encode(into writer: inout NinePWriter) {
        writer.qid(qid)
        writer.u64(offset)
        writer.u8(type)
        writer.string(name)
    }

    /// Bytes the entry takes in an Rreaddir.
    public var encodedSize: Int { NinePQid.size &+ 8 &+ 1 &+ 2 &+ name.count }
}
