import LinuxABI

/// The kernel's hook for opening device nodes and FIFOs found in a file system.
///
/// Such a node only names something: opening `/dev/null` or a FIFO in a tmpfs must reach a
/// driver or a pipe, as Linux's `init_special_inode` swaps in `def_chr_fops` or
/// `pipefifo_fops`. The opener returns the node that will serve the I/O; the open file keeps
/// the file system's node for `fstat`. Without an opener, such opens fail with ENXIO.
public protocol DeviceOpener: AnyObject {
    /// The node to do I/O on for `node` (of `attributes.type` a device node or FIFO), opened
    /// with `flags`. May block (a FIFO waiting for a writer) or fail (ENXIO, ENODEV).
    func open(_ node: VNode, attributes: FileAttributes, flags: OpenFlags) throws(Errno) -> VNode
}
