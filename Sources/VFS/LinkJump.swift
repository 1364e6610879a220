/// Where a magic link leads (see `VNode.linkJump()`): Linux's `nd_jump_link`.
public enum LinkJump {
    /// A place in the tree, and the directory and name the object there was opened under when
    /// known (so a file opened through the link can name itself again).
    case location(Location, origin: NameOrigin?)
    /// An object outside every file system (a pipe, a socket, an anonymous inode), reached
    /// through the mount of the link itself.
    case node(VNode)

    /// The location the walk continues from, for a link reached through `mount`.
    func resolved(linkMount mount: Mount) -> (location: Location, origin: NameOrigin?) {
        switch self {
        case .location(let location, let origin): (location, origin)
        case .node(let node): (Location(mount: mount, node: node), nil)
        }
    }
}
