/// An inode being read or changed, with its number and checksum seed.
///
/// Tree and directory code works on one of these (`inout` when it changes the inode) and the
/// caller writes it back once with `writeInode`, so an operation updates each inode block once.
struct InodeHandle {
    let number: UInt32
    var inode: Inode
    /// Seed of the checksums of this inode's extent and directory blocks.
    let seed: UInt32

    init(number: UInt32, inode: Inode, layout: Layout) {
        self.number = number
        self.inode = inode
        seed = Inode.checksumSeed(layout: layout, inode: number, generation: inode.generation)
    }

    var fileType: Ext4FileType? { inode.fileType }
}
