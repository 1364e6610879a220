import LinuxABI
import VFS

/// A directory whose entries a function lists when asked. Readdir cookies are 0 for `.`,
/// 1 for `..`, then each entry's order plus 2 (`SyntheticEntry.order`), so a listing
/// resumes at the right entry even when entries before it appeared or went meanwhile.
public final class SyntheticDirectory: SyntheticNode {
    let listing: (SyntheticDirectory) -> [SyntheticEntry]

    public init(place: SyntheticPlace, permissions: UInt32, entries: @escaping (SyntheticDirectory) -> [SyntheticEntry]) {
        listing = entries
        super.init(type: .directory, place: place, permissions: permissions)
    }

    /// The entries as they are now.
    public func entries() -> [SyntheticEntry] { listing(self) }

    public override func lookup(_ name: [UInt8]) throws(Errno) -> VNode {
        for entry in entries() where entry.name == name {
            return try entry.make(childPlace(name))
        }
        throw .ENOENT
    }

    public override func parent() throws(Errno) -> VNode { place.parent ?? self }

    public override func readDirectory(from cookie: UInt64, _ visit: (DirectoryItem) -> Bool) throws(Errno) {
        if cookie == 0 {
            guard visit(DirectoryItem(name: [0x2E], inode: place.inode, type: .directory, nextCookie: 1)) else { return }
        }
        if cookie <= 1 {
            let up = place.parent?.place.inode ?? place.inode
            guard visit(DirectoryItem(name: [0x2E, 0x2E], inode: up, type: .directory, nextCookie: 2)) else { return }
        }
        for (index, entry) in entries().enumerated() {
            let order = entry.order ?? UInt64(index)
            guard order &+ 2 >= cookie, !entry.isHidden else { continue }
            let item = DirectoryItem(
                name: entry.name, inode: SyntheticInode.child(of: place.inode, named: entry.name), type: entry.type,
                nextCookie: order &+ 3)
            guard visit(item) else { return }
        }
    }

    func childPlace(_ name: [UInt8]) -> SyntheticPlace {
        SyntheticPlace(
            fileSystem: place.fileSystem, parent: self, inode: SyntheticInode.child(of: place.inode, named: name))
    }
}
