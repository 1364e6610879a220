import LinuxABI
import VFS

/// One entry of a synthetic directory: its name and type (what readdir reports without
/// making the node) and how to make the node.
public struct SyntheticEntry {
    public var name: [UInt8]
    public var type: VNodeType
    /// Where the entry stands in readdir: entries are listed in increasing order and a
    /// directory's cookies are built from it, so an entry keeps its place while others come
    /// and go (processes in /proc). Nil takes the entry's index in the list.
    public var order: UInt64?
    /// Found by lookup but left out of readdir (Linux's /proc/TID for threads that do not
    /// lead their process).
    public var isHidden = false
    public var make: (SyntheticPlace) throws(Errno) -> VNode

    public init(
        name: [UInt8], type: VNodeType, order: UInt64? = nil, make: @escaping (SyntheticPlace) throws(Errno) -> VNode
    ) {
        self.name = name
        self.type = type
        self.order = order
        self.make = make
    }

    /// A file whose text `contents` renders when it is opened; `write`, when given, makes it
    /// writable and receives the bytes of each write.
    public static func file(
        _ name: String, permissions: UInt32? = nil, order: UInt64? = nil,
        write: (([UInt8]) throws(Errno) -> Void)? = nil, _ contents: @escaping () throws(Errno) -> [UInt8]
    ) -> SyntheticEntry {
        file(Array(name.utf8), permissions: permissions, order: order, write: write, contents)
    }

    public static func file(
        _ name: [UInt8], permissions: UInt32? = nil, order: UInt64? = nil,
        write: (([UInt8]) throws(Errno) -> Void)? = nil, _ contents: @escaping () throws(Errno) -> [UInt8]
    ) -> SyntheticEntry {
        SyntheticEntry(name: name, type: .regular, order: order) { place in
            SyntheticFile(
                place: place, permissions: permissions ?? (write == nil ? 0o444 : 0o644), contents: contents,
                write: write)
        }
    }

    /// A directory listing `entries`, which are asked for at every lookup and readdir.
    public static func directory(
        _ name: String, permissions: UInt32 = 0o555, order: UInt64? = nil,
        _ entries: @escaping (SyntheticDirectory) -> [SyntheticEntry]
    ) -> SyntheticEntry {
        directory(Array(name.utf8), permissions: permissions, order: order, entries)
    }

    public static func directory(
        _ name: [UInt8], permissions: UInt32 = 0o555, order: UInt64? = nil, hidden: Bool = false,
        _ entries: @escaping (SyntheticDirectory) -> [SyntheticEntry]
    ) -> SyntheticEntry {
        var entry = SyntheticEntry(name: name, type: .directory, order: order) { place in
            SyntheticDirectory(place: place, permissions: permissions, entries: entries)
        }
        entry.isHidden = hidden
        return entry
    }

    /// A symlink to the text `target` returns; with `jump`, a magic link that leads straight
    /// to what `jump` returns when followed (see `VNode.linkJump()`).
    public static func link(
        _ name: [UInt8], permissions: UInt32 = 0o777, order: UInt64? = nil,
        jump: (() throws(Errno) -> LinkJump?)? = nil, _ target: @escaping () throws(Errno) -> [UInt8]
    ) -> SyntheticEntry {
        SyntheticEntry(name: name, type: .symlink, order: order) { place in
            SyntheticLink(place: place, permissions: permissions, target: target, jump: jump)
        }
    }

    public static func link(
        _ name: String, permissions: UInt32 = 0o777, order: UInt64? = nil,
        jump: (() throws(Errno) -> LinkJump?)? = nil, _ target: @escaping () throws(Errno) -> [UInt8]
    ) -> SyntheticEntry {
        link(Array(name.utf8), permissions: permissions, order: order, jump: jump, target)
    }
}
