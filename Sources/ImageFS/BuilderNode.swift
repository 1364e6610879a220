/// A node of the tree an `ImageBuilder` accumulates before laying it out.
struct BuilderNode {
    var type: FileType
    /// Nil for a directory created implicitly as a parent; it gets the builder's
    /// `implicitDirectoryAttributes` when the image is built.
    var attributes: NodeAttributes?
    /// A directory's children, kept sorted by name bytes so building needs no sort and lookups
    /// are binary searches.
    var children: [BuilderChild] = []
    /// A regular file's contents.
    var contents: [UInt8] = []
    /// A symlink's target.
    var target: [UInt8] = []

    init(type: FileType, attributes: NodeAttributes?) {
        self.type = type
        self.attributes = attributes
    }

    /// Where `name` is among the children, or where it would be inserted.
    func childPosition(_ name: [UInt8]) -> (index: Int, found: Bool) {
        var low = 0
        var high = children.count
        while low < high {
            let middle = low + (high - low) / 2
            let order = NameRules.compare(children[middle].name, name)
            if order == 0 { return (middle, true) }
            if order < 0 { low = middle + 1 } else { high = middle }
        }
        return (low, false)
    }
}

/// A directory entry in the builder's tree; hard links are several children with one `node`.
struct BuilderChild {
    var name: [UInt8]
    /// Index into the builder's node array.
    var node: Int
}
