#if SKIFF_KERNEL
import VFS

/// The pipes behind FIFO nodes (`mkfifo`) in any file system. A FIFO's pipe exists while some
/// end of it is open — every open of the node meets the same one — and goes, with any bytes
/// left in it, when the last end closes, as on Linux.
enum NamedPipes {
    private struct Entry {
        let node: VNode
        let pipe: Pipe
        /// Opens that found the pipe and have not yet counted themselves as a reader or writer:
        /// the pipe must not be forgotten under them.
        var pending: Int
    }

    private static let lock = SpinLock()
    nonisolated(unsafe) private static var entries: [Entry] = []

    /// A handler for an open of FIFO `node` holding `ends`; its `opened` counts it (and waits
    /// for the other side as the open's flags ask).
    static func end(of node: VNode, ends: PipeEnds) -> PipeEnd {
        let pipe = lock.withLock { () -> Pipe in
            if let i = entries.firstIndex(where: { $0.node === node }) {
                entries[i].pending += 1
                return entries[i].pipe
            }
            let pipe = Pipe()
            entries.append(Entry(node: node, pipe: pipe, pending: 1))
            return pipe
        }
        return PipeEnd(pipe: pipe, ends: ends, isNamed: true)
    }

    /// An open of `pipe` has counted itself.
    static func settle(_ pipe: Pipe) {
        lock.withLock {
            if let i = entries.firstIndex(where: { $0.pipe === pipe }), entries[i].pending > 0 { entries[i].pending -= 1 }
        }
    }

    /// Drops `pipe` once no end of it is open or being opened.
    static func forgetIfUnused(_ pipe: Pipe) {
        lock.withLock {
            guard let i = entries.firstIndex(where: { $0.pipe === pipe }), entries[i].pending == 0 else { return }
            let unused = pipe.queue.lock.withLock { pipe.readers == 0 && pipe.writers == 0 }
            if unused { entries.remove(at: i) }
        }
    }
}
#endif
