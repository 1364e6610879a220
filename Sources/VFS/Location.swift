/// A place in the tree: a node as reached through a mount (Linux's `struct path`). The same
/// directory can be reachable through several mounts, and `..` or a mount crossing depend on
/// which one.
public struct Location {
    public let mount: Mount
    public let node: VNode

    public init(mount: Mount, node: VNode) {
        self.mount = mount
        self.node = node
    }

    /// Whether both name the same node through the same mount.
    public func isSame(as other: Location) -> Bool {
        mount === other.mount && node === other.node
    }
}
