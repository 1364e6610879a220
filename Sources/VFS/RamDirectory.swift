import LinuxABI

/// A directory of a `RamFileSystem`: a name → node map plus the entries in creation order,
/// which gives readdir stable cookies.
///
/// Every entry gets the next value of a per-directory counter as its cookie when it is
/// added, and the ordered list stays sorted by cookie; readdir resumes from a cookie with a
/// binary search. So an iteration that resumes from handed-out cookies sees every entry that
/// was neither added nor removed meanwhile exactly once — an index into a sorted array would
/// skip entries after an unlink. Cookies 0 and 1 are `.` and `..`.
///
/// The directory's lock guards its entries, its link count and its parent pointer. Lookups
/// and readdir take it shared.
final class RamDirectory: RamNode {
    struct Entry {
        var node: RamNode
        var cookie: UInt64
    }

    struct OrderedEntry {
        var cookie: UInt64
        var name: [UInt8]
        var node: RamNode
    }

    var entries = NameTable<Entry>()
    var ordered: [OrderedEntry] = []
    var nextCookie: UInt64 = 2
    /// Nil for the root, whose `..` is itself. Changed only by rename, which holds the
    /// file system's rename lock and this directory's lock.
    var parentDirectory: RamDirectory?
    /// Set by rmdir: no lookups or new entries from then on (ENOENT, as Linux).
    var isRemoved = false

    /// tmpfs's BOGO_DIRENT_SIZE: what each entry adds to a directory's `st_size`.
    static let entrySize: UInt64 = 20

    init(
        context: RamContext, inode: UInt64, permissions: UInt32, owner: NodeOwner, parent: RamDirectory?,
        now: Timespec
    ) {
        parentDirectory = parent
        super.init(
            type: .directory, context: context, inode: inode, permissions: permissions, owner: owner, linkCount: 2,
            now: now)
    }

    override var contentSize: UInt64 { UInt64(entries.count + 2) &* Self.entrySize }

    // MARK: Entries, under the lock

    private func insert(_ name: [UInt8], _ node: RamNode) {
        let cookie = nextCookie
        nextCookie &+= 1
        entries[name] = Entry(node: node, cookie: cookie)
        ordered.append(OrderedEntry(cookie: cookie, name: name, node: node))
    }

    @discardableResult
    private func removeEntry(_ name: [UInt8]) -> RamNode? {
        guard let entry = entries.removeValue(forKey: name) else { return nil }
        ordered.remove(at: position(of: entry.cookie))
        return entry.node
    }

    /// Points `name` at `node`, keeping its cookie (RENAME_EXCHANGE).
    private func replace(_ name: [UInt8], with node: RamNode) {
        guard let entry = entries[name] else { return }
        entries[name] = Entry(node: node, cookie: entry.cookie)
        ordered[position(of: entry.cookie)].node = node
    }

    /// The index in `ordered` of the first entry whose cookie is at least `cookie`.
    private func position(of cookie: UInt64) -> Int {
        var low = 0
        var high = ordered.count
        while low < high {
            let middle = low + (high - low) / 2
            if ordered[middle].cookie < cookie { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private func touch(_ now: Timespec) {
        modificationTime = now
        changeTime = now
    }

    /// Whether this directory is a proper ancestor of `directory`. Safe under the rename lock,
    /// which is held by the only writer of parent pointers.
    private func isAncestor(of directory: RamDirectory) -> Bool {
        var current = directory.parentDirectory
        while let next = current {
            if next === self { return true }
            current = next.parentDirectory
        }
        return false
    }

    private static func checkName(_ name: [UInt8]) throws(Errno) {
        guard !name.isEmpty else { throw .ENOENT }
        guard name.count <= VFSLimits.maxNameLength else { throw .ENAMETOOLONG }
    }

    /// Adds a node made by `make` (given its inode number and the time) as `name`.
    private func addChild(
        _ name: [UInt8], isDirectory: Bool, _ make: (UInt64, Timespec) -> RamNode
    ) throws(Errno) -> RamNode {
        try Self.checkName(name)
        return try exclusively(lock) { () throws(Errno) -> RamNode in
            guard !isRemoved else { throw .ENOENT }
            guard entries[name] == nil else { throw .EEXIST }
            if isDirectory && linkCount >= context.options.maxLinks { throw .EMLINK }
            let inode = try context.reserveNode()
            let now = context.now()
            let node = make(inode, now)
            insert(name, node)
            if isDirectory { linkCount += 1 }
            touch(now)
            return node
        }
    }

    // MARK: VNode

    override func lookup(_ name: [UInt8]) throws(Errno) -> VNode {
        try shared(lock) { () throws(Errno) -> VNode in
            guard !isRemoved, let entry = entries[name] else { throw .ENOENT }
            return entry.node
        }
    }

    override func parent() throws(Errno) -> VNode {
        shared(lock) { parentDirectory ?? self }
    }

    override func create(_ name: [UInt8], permissions: UInt32, owner: NodeOwner) throws(Errno) -> VNode {
        let context = self.context
        return try addChild(name, isDirectory: false) { inode, now in
            RamFile(context: context, inode: inode, permissions: permissions, owner: owner, now: now)
        }
    }

    override func makeDirectory(_ name: [UInt8], permissions: UInt32, owner: NodeOwner) throws(Errno) -> VNode {
        let context = self.context
        return try addChild(name, isDirectory: true) { inode, now in
            RamDirectory(context: context, inode: inode, permissions: permissions, owner: owner, parent: self, now: now)
        }
    }

    override func makeSpecial(
        _ name: [UInt8], type: VNodeType, permissions: UInt32, device: DeviceNumber, owner: NodeOwner
    ) throws(Errno) -> VNode {
        guard type.isSpecial else { throw .EINVAL }
        let context = self.context
        return try addChild(name, isDirectory: false) { inode, now in
            RamSpecialNode(
                type: type, context: context, inode: inode, permissions: permissions, device: device, owner: owner,
                now: now)
        }
    }

    override func makeSymlink(_ name: [UInt8], target: [UInt8], owner: NodeOwner) throws(Errno) -> VNode {
        guard !target.isEmpty else { throw .ENOENT }
        guard target.count < VFSLimits.maxPathLength else { throw .ENAMETOOLONG }
        let context = self.context
        return try addChild(name, isDirectory: false) { inode, now in
            RamSymlink(context: context, inode: inode, target: target, owner: owner, now: now)
        }
    }

    override func makeTemporaryFile(permissions: UInt32, owner: NodeOwner, linkable: Bool) throws(Errno) -> VNode {
        try shared(lock) { () throws(Errno) in
            guard !isRemoved else { throw .ENOENT }
        }
        let inode = try context.reserveNode()
        return RamFile(
            context: context, inode: inode, permissions: permissions, owner: owner, linkCount: 0, linkable: linkable,
            now: context.now())
    }

    override func link(_ node: VNode, as name: [UInt8]) throws(Errno) {
        guard let target = node as? RamNode, target.context === context else { throw .EXDEV }
        guard target.type != .directory else { throw .EPERM }
        try Self.checkName(name)
        try exclusively(lock) { () throws(Errno) in
            guard !isRemoved else { throw .ENOENT }
            guard entries[name] == nil else { throw .EEXIST }
            let now = context.now()
            try exclusively(target.lock) { () throws(Errno) in
                let file = target as? RamFile
                if target.linkCount == 0 {
                    guard let file, file.linkable else { throw .ENOENT }
                    file.linkable = false
                }
                guard target.linkCount < context.options.maxLinks else { throw .EMLINK }
                target.linkCount += 1
                target.changeTime = now
            }
            insert(name, target)
            touch(now)
        }
    }

    override func unlink(_ name: [UInt8]) throws(Errno) {
        try exclusively(lock) { () throws(Errno) in
            guard !isRemoved, let entry = entries[name] else { throw .ENOENT }
            let victim = entry.node
            guard victim.type != .directory else { throw .EISDIR }
            let now = context.now()
            exclusively(victim.lock) {
                victim.linkCount -= 1
                victim.changeTime = now
            }
            removeEntry(name)
            touch(now)
        }
    }

    override func removeDirectory(_ name: [UInt8]) throws(Errno) {
        try exclusively(lock) { () throws(Errno) in
            guard !isRemoved, let entry = entries[name] else { throw .ENOENT }
            guard let victim = entry.node as? RamDirectory else { throw .ENOTDIR }
            let now = context.now()
            try exclusively(victim.lock) { () throws(Errno) in
                guard victim.entries.isEmpty else { throw .ENOTEMPTY }
                victim.isRemoved = true
                victim.linkCount = 0
                victim.changeTime = now
            }
            removeEntry(name)
            linkCount -= 1
            touch(now)
        }
    }

    override func readDirectory(from cookie: UInt64, _ visit: (DirectoryItem) -> Bool) throws(Errno) {
        try shared(lock) { () throws(Errno) in
            guard !isRemoved else { throw .ENOENT }
            if cookie == 0 {
                guard visit(DirectoryItem(name: [PathWalk.dot], inode: inodeNumber, type: .directory, nextCookie: 1))
                else { return }
            }
            if cookie <= 1 {
                let parentInode = parentDirectory?.inodeNumber ?? inodeNumber
                let item = DirectoryItem(
                    name: [PathWalk.dot, PathWalk.dot], inode: parentInode, type: .directory, nextCookie: 2)
                guard visit(item) else { return }
            }
            var index = position(of: max(cookie, 2))
            while index < ordered.count {
                let entry = ordered[index]
                let item = DirectoryItem(
                    name: entry.name, inode: entry.node.inodeNumber, type: entry.node.type,
                    nextCookie: entry.cookie &+ 1)
                guard visit(item) else { return }
                index += 1
            }
        }
    }

    // MARK: Rename

    /// With `.whiteout` the old name gets a new entry (a new readdir cookie, as tmpfs gives
    /// the whiteout a new dentry) for a `RamSpecialNode` 0/0; its inode is claimed before
    /// anything changes, so ENOSPC leaves both names as they were.
    override func rename(
        _ name: [UInt8], to newDirectory: VNode, as newName: [UInt8], flags: RenameFlags, whiteoutOwner: NodeOwner
    ) throws(Errno) {
        guard let destination = newDirectory as? RamDirectory, destination.context === context else { throw .EXDEV }
        try Self.checkName(name)
        try Self.checkName(newName)
        let exchange = flags.contains(.exchange)
        context.renameLock.lock()
        defer { context.renameLock.unlock() }

        // Lock order 3: the directories, an ancestor first, unrelated ones by inode number.
        var directories: [RamDirectory] = [self]
        if destination !== self {
            let destinationFirst =
                destination.isAncestor(of: self)
                || (!isAncestor(of: destination) && destination.inodeNumber < inodeNumber)
            if destinationFirst { directories.insert(destination, at: 0) } else { directories.append(destination) }
        }
        for directory in directories { directory.lock.lock() }
        defer { for directory in directories.reversed() { directory.lock.unlock() } }

        guard !isRemoved, !destination.isRemoved, let source = entries[name]?.node else { throw .ENOENT }
        let victim = destination.entries[newName]?.node
        if flags.contains(.noReplace) && victim != nil { throw .EEXIST }
        if exchange && victim == nil { throw .ENOENT }
        let sourceDirectory = source as? RamDirectory
        let victimDirectory = victim as? RamDirectory
        if let sourceDirectory, sourceDirectory === destination || sourceDirectory.isAncestor(of: destination) {
            throw .EINVAL
        }
        if let victimDirectory, victimDirectory === self || victimDirectory.isAncestor(of: self) {
            throw exchange ? .EINVAL : .ENOTEMPTY
        }
        if let victim, victim === source { return }
        if !exchange, victim != nil {
            if sourceDirectory != nil && victimDirectory == nil { throw .ENOTDIR }
            if sourceDirectory == nil && victimDirectory != nil { throw .EISDIR }
        }
        let maxLinks = context.options.maxLinks
        if destination !== self {
            if sourceDirectory != nil && victimDirectory == nil && destination.linkCount >= maxLinks { throw .EMLINK }
            if exchange && victimDirectory != nil && sourceDirectory == nil && linkCount >= maxLinks { throw .EMLINK }
        }

        // Lock order 4: the moved and replaced nodes, by inode number.
        var children: [RamNode] = [source]
        if let victim { children.append(victim) }
        if children.count == 2 && children[1].inodeNumber < children[0].inodeNumber { children.swapAt(0, 1) }
        for child in children { child.lock.lock() }
        defer { for child in children.reversed() { child.lock.unlock() } }

        if !exchange, let victimDirectory, !victimDirectory.entries.isEmpty { throw .ENOTEMPTY }
        let now = context.now()
        let whiteout =
            flags.contains(.whiteout)
            ? RamSpecialNode.whiteout(context: context, inode: try context.reserveNode(), owner: whiteoutOwner, now: now)
            : nil
        if exchange, let victim {
            replace(name, with: victim)
            destination.replace(newName, with: source)
            if destination !== self {
                if sourceDirectory != nil && victimDirectory == nil {
                    linkCount -= 1
                    destination.linkCount += 1
                } else if victimDirectory != nil && sourceDirectory == nil {
                    destination.linkCount -= 1
                    linkCount += 1
                }
                sourceDirectory?.parentDirectory = destination
                victimDirectory?.parentDirectory = self
            }
            victim.changeTime = now
        } else {
            removeEntry(name)
            if let victim {
                destination.removeEntry(newName)
                if let victimDirectory {
                    victimDirectory.isRemoved = true
                    victimDirectory.linkCount = 0
                    destination.linkCount -= 1
                } else {
                    victim.linkCount -= 1
                }
                victim.changeTime = now
            }
            destination.insert(newName, source)
            if let whiteout { insert(name, whiteout) }
            if let sourceDirectory, destination !== self {
                linkCount -= 1
                destination.linkCount += 1
                sourceDirectory.parentDirectory = destination
            }
        }
        source.changeTime = now
        touch(now)
        destination.touch(now)
    }

    // MARK: Teardown

    /// Drops every parent pointer below this directory so no cycle keeps the tree alive once
    /// the file system is gone (Embedded Swift has no weak references). Iterative: trees can
    /// be deeper than the kernel stack allows recursion.
    func detachTree() {
        var pending: [RamDirectory] = [self]
        while let directory = pending.popLast() {
            exclusively(directory.lock) {
                directory.parentDirectory = nil
                for entry in directory.ordered {
                    if let child = entry.node as? RamDirectory { pending.append(child) }
                }
            }
        }
    }
}
